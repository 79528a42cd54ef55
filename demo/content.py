"""Demo content, taken from the documents in shared/seeds/ (NATO Review's front page and pieces).

Titles, dates and standfirsts of the six teasers are the seeds' own, word for word; bodies of the
teasers are short stand-ins; 001 and 004 are full pieces with their sub-headings; 002 is the
body of the “Deterrence and defence” section. Translations are ours.
"""

SECTIONS = [
    {
        "key": "collective-defence",
        "texts": {
            "en": (
                "Collective defence",
                "The principle of collective defence is at the very heart of NATO’s founding treaty. It remains a unique and enduring principle that binds its members together, committing them to protect each other and setting a spirit of solidarity within the Alliance.",
            ),
            "fr": (
                "Défense collective",
                "Le principe de défense collective est au cœur même du traité fondateur de l’OTAN. Il demeure un principe unique et durable qui unit les membres de l’Alliance, les engage à se protéger mutuellement et instaure un esprit de solidarité.",
            ),
            "de": (
                "Kollektive Verteidigung",
                "Der Grundsatz der kollektiven Verteidigung ist das Herzstück des Gründungsvertrags der NATO. Er bleibt ein einzigartiges und dauerhaftes Prinzip, das die Mitglieder verbindet, sie zum gegenseitigen Schutz verpflichtet und den Geist der Solidarität im Bündnis prägt.",
            ),
            "ru": (
                "Коллективная оборона",
                "Принцип коллективной обороны лежит в самой основе учредительного договора НАТО. Он остается уникальным и неизменным принципом, который объединяет членов Альянса, обязывает их защищать друг друга и формирует дух солидарности.",
            ),
            "uk": (
                "Колективна оборона",
                "Принцип колективної оборони лежить в самій основі установчого договору НАТО. Він залишається унікальним і незмінним принципом, який об’єднує членів Альянсу, зобов’язує їх захищати одне одного та формує дух солідарності.",
            ),
            "ar": (
                "الدفاع الجماعي",
                "يقع مبدأ الدفاع الجماعي في صميم المعاهدة المؤسسة لحلف الناتو. ويبقى مبدأً فريدًا ودائمًا يربط بين أعضائه ويلزمهم بحماية بعضهم بعضًا ويرسّخ روح التضامن داخل الحلف.",
            ),
        },
    },
    {
        "key": "improving-capabilities",
        "texts": {
            "en": (
                "Improving capabilities",
                "NATO has been engaged in continuous transformation for many years to ensure that it has the policies, capabilities and structures required to deal with current and future challenges, including the collective defence of its members.",
            ),
            "fr": (
                "Renforcer les capacités",
                "Depuis de nombreuses années, l’OTAN est engagée dans une transformation continue afin de disposer des politiques, des capacités et des structures nécessaires pour faire face aux défis actuels et futurs, y compris la défense collective de ses membres.",
            ),
            "de": (
                "Fähigkeiten verbessern",
                "Die NATO befindet sich seit vielen Jahren in einem ständigen Wandel, um über die Politik, die Fähigkeiten und die Strukturen zu verfügen, die sie für heutige und künftige Herausforderungen braucht, einschließlich der kollektiven Verteidigung ihrer Mitglieder.",
            ),
            "ru": (
                "Развитие потенциала",
                "На протяжении многих лет НАТО непрерывно преобразуется, чтобы располагать политикой, потенциалом и структурами, необходимыми для решения нынешних и будущих задач, включая коллективную оборону своих членов.",
            ),
            "uk": (
                "Розвиток спроможностей",
                "Упродовж багатьох років НАТО безперервно трансформується, щоб мати політику, спроможності та структури, потрібні для відповіді на нинішні й майбутні виклики, зокрема для колективної оборони своїх членів.",
            ),
            "ar": (
                "تحسين القدرات",
                "ينخرط حلف الناتو منذ سنوات عديدة في تحوّل مستمر ليضمن امتلاكه السياسات والقدرات والهياكل اللازمة لمواجهة التحديات الحالية والمستقبلية، بما في ذلك الدفاع الجماعي عن أعضائه.",
            ),
        },
    },
    {
        "key": "partnerships",
        "texts": {
            "en": (
                "Partnerships",
                "Over the past two decades, the Alliance has developed a network of structured partnerships with countries from the Euro-Atlantic area, the Mediterranean and the Gulf region, as well as individual relationships with other partners across the globe.",
            ),
            "fr": (
                "Partenariats",
                "Au cours des deux dernières décennies, l’Alliance a tissé un réseau de partenariats structurés avec des pays de la zone euro-atlantique, de la Méditerranée et de la région du Golfe, ainsi que des relations individuelles avec d’autres partenaires dans le monde.",
            ),
            "de": (
                "Partnerschaften",
                "In den vergangenen zwei Jahrzehnten hat das Bündnis ein Netz strukturierter Partnerschaften mit Ländern des euro-atlantischen Raums, des Mittelmeers und der Golfregion aufgebaut, dazu individuelle Beziehungen zu weiteren Partnern in aller Welt.",
            ),
            "ru": (
                "Партнерства",
                "За последние два десятилетия Альянс создал сеть структурированных партнерств со странами евроатлантического региона, Средиземноморья и Персидского залива, а также индивидуальные отношения с другими партнерами по всему миру.",
            ),
            "uk": (
                "Партнерства",
                "За останні два десятиліття Альянс створив мережу структурованих партнерств із країнами євроатлантичного регіону, Середземномор’я та Перської затоки, а також індивідуальні відносини з іншими партнерами в усьому світі.",
            ),
            "ar": (
                "الشراكات",
                "على مدى العقدين الماضيين، أقام الحلف شبكة من الشراكات المنظمة مع دول من المنطقة الأوروبية الأطلسية والبحر المتوسط ومنطقة الخليج، إضافة إلى علاقات فردية مع شركاء آخرين حول العالم.",
            ),
        },
    },
    {
        "key": "operations-and-missions",
        "texts": {
            "en": (
                "Operations and missions",
                "NATO is an active and leading contributor to peace and security on the international stage.",
            ),
            "fr": (
                "Opérations et missions",
                "L’OTAN contribue activement, et au premier plan, à la paix et à la sécurité sur la scène internationale.",
            ),
            "de": (
                "Einsätze und Missionen",
                "Die NATO trägt aktiv und führend zu Frieden und Sicherheit auf der internationalen Bühne bei.",
            ),
            "ru": (
                "Операции и миссии",
                "НАТО активно и на ведущих ролях содействует миру и безопасности на международной арене.",
            ),
            "uk": ("Операції та місії", "НАТО активно й на провідних ролях сприяє миру та безпеці на міжнародній арені."),
            "ar": ("العمليات والبعثات", "يُعدّ حلف الناتو مساهمًا نشطًا ورائدًا في السلام والأمن على الساحة الدولية."),
        },
    },
    {
        "key": "deterrence-and-defence",
        "texts": {
            "en": (
                "Deterrence and defence",
                "NATO’s deterrence and defence policy is based on an appropriate mix of nuclear, conventional and missile defence capabilities.",
            ),
            "fr": (
                "Dissuasion et défense",
                "La politique de dissuasion et de défense de l’OTAN repose sur une combinaison appropriée de capacités nucléaires, conventionnelles et de défense antimissile.",
            ),
            "de": (
                "Abschreckung und Verteidigung",
                "Die Abschreckungs- und Verteidigungspolitik der NATO beruht auf einer angemessenen Mischung aus nuklearen, konventionellen und Raketenabwehrfähigkeiten.",
            ),
            "ru": (
                "Сдерживание и оборона",
                "Политика сдерживания и обороны НАТО основана на надлежащем сочетании ядерных, обычных сил и средств противоракетной обороны.",
            ),
            "uk": (
                "Стримування та оборона",
                "Політика стримування та оборони НАТО ґрунтується на належному поєднанні ядерних, звичайних сил і засобів протиракетної оборони.",
            ),
            "ar": (
                "الردع والدفاع",
                "تقوم سياسة الردع والدفاع لدى الناتو على مزيج مناسب من القدرات النووية والتقليدية وقدرات الدفاع الصاروخي.",
            ),
        },
        # shared/seeds/002: the section's long body, in English.
        "body": {
            "en": """<h2>Deterrence and Defence Policy</h2>
<p>NATO is a military-political alliance whose main purpose is to guarantee the protection of its citizens and to promote the security and stability of the North Atlantic area. NATO must be able to simultaneously deal with current and future challenges and various sources of threats. The Alliance continues to strengthen its deterrence and defence policies in light of today’s changing security environment.</p>
<p>Today NATO faces threats and challenges that can come from state and non-state actors, in the form of terrorist or cyber attacks, or hybrid warfare. More specifically, Russia’s aggressive actions undermine Euro-Atlantic security and the rules-based international order.</p>
<p>NATO’s greatest responsibility is to protect and defend Allied territory and populations against attack. Article 5 of the Washington Treaty emphasizes the principle of collective defense. Collective defence is at the heart of the Alliance, as set out in Article 5 of the North Atlantic Treaty.</p>
<p>As for deterrence, it is a core element of NATO’s overall strategy: preventing conflict and war, protecting Allies, maintaining freedom of decision and action, and upholding the principles and values it stands for – individual liberty, democracy, human rights and the rule of law. Free societies and the rules-based international order need to be backed by credible transatlantic defence.</p>
<p>The COVID-19 pandemic has shown that collective resilience is an integral part of NATO’s deterrence and defence policy. NATO is taking strong measures to stop the spread of the virus and reduce the risks to its personnel. Allied armed forces play an important role in supporting the national civil response across the Alliance while maintaining full readiness to respond to any contingency.</p>
<p>NATO’s deterrence and defense policy is based on an appropriate mix of nuclear, conventional and missile defence capabilities. At the same time, NATO maintains the freedom of action and flexibility to respond accordingly to a range of challenges.</p>""",
        },
    },
]

KINDS = [
    ("analysis", {"en": "Analysis", "fr": "Analyse", "de": "Analyse", "ru": "Анализ", "uk": "Аналітика", "ar": "تحليل"}),
    ("opinion", {"en": "Opinion", "fr": "Opinion", "de": "Meinung", "ru": "Мнение", "uk": "Думка", "ar": "رأي"}),
    ("interview", {"en": "Interview", "fr": "Entretien", "de": "Interview", "ru": "Интервью", "uk": "Інтерв’ю", "ar": "مقابلة"}),
    ("history", {"en": "History", "fr": "Histoire", "de": "Geschichte", "ru": "История", "uk": "Історія", "ar": "تاريخ"}),
    (
        "book-review",
        {
            "en": "Book review",
            "fr": "Critique de livre",
            "de": "Buchbesprechung",
            "ru": "Рецензия",
            "uk": "Рецензія",
            "ar": "مراجعة كتاب",
        },
    ),
    ("video", {"en": "Video", "fr": "Vidéo", "de": "Video", "ru": "Видео", "uk": "Відео", "ar": "فيديو"}),
    (
        "photo-story",
        {
            "en": "Photo story",
            "fr": "Reportage photo",
            "de": "Fotoreportage",
            "ru": "Фоторепортаж",
            "uk": "Фоторепортаж",
            "ar": "قصة مصورة",
        },
    ),
]

AUTHORS = [
    {
        "slug": "wolfgang-rudischhauser",
        "name": "Wolfgang Rudischhauser",
        "bio": {
            "en": "Wolfgang Rudischhauser is Director of the Weapons of Mass Destruction Non-Proliferation Centre at NATO Headquarters.",
            "fr": "Wolfgang Rudischhauser est directeur du Centre sur la non-prolifération des armes de destruction massive au siège de l’OTAN.",
        },
    },
]


def paragraphs(*texts):
    return "\n".join(f"<p>{text}</p>" for text in texts)


# Each piece: its source version first, then translations. `image` names a generated picture.
PIECES = [
    {
        "key": "nordic-baltic",
        "date": "2016-03-17",
        "kind": "video",
        "section": "collective-defence",
        "image": ("Baltic coastline at dawn", (18, 52, 86), (120, 170, 200)),
        "versions": [
            {
                "language": "en",
                "title": "Securing the Nordic-Baltic region",
                "standfirst": "How are NATO Allies and partners, Finland and Sweden, working together to defend this strategically important region in the current security context?",
                "body": paragraphs(
                    "The Baltic Sea is where Allied territory, two close partners and Russia meet. Its security depends on how quickly forces can reach it and how well the countries around it work together.",
                    "NATO Review asked Allied and partner officials how exercises, shared situational awareness and political consultation are changing defence planning in the region.",
                ),
                "tags": ["Nordic-Baltic", "Finland", "Sweden", "Baltic Sea"],
                "alt": "A grey sea under a pale sky along the Baltic coast",
                "caption": "The Baltic Sea connects Allies and partners.",
            },
            {
                "language": "fr",
                "title": "Sécuriser la région nordique-balte",
                "standfirst": "Comment les Alliés de l’OTAN et leurs partenaires, la Finlande et la Suède, coopèrent-ils pour défendre cette région d’importance stratégique dans le contexte de sécurité actuel ?",
                "body": paragraphs(
                    "La mer Baltique est le lieu où se rencontrent le territoire des Alliés, deux partenaires proches et la Russie. Sa sécurité dépend de la rapidité avec laquelle les forces peuvent s’y déployer et de la qualité de la coopération entre les pays riverains.",
                    "La Revue de l’OTAN a demandé à des responsables alliés et partenaires comment les exercices, une connaissance partagée de la situation et la consultation politique transforment la planification de défense dans la région.",
                ),
                "tags": ["Région nordique-balte", "Finlande", "Suède"],
                "alt": "Une mer grise sous un ciel pâle le long de la côte balte",
                "caption": "La mer Baltique relie Alliés et partenaires.",
            },
            {
                "language": "ar",
                "title": "تأمين منطقة الشمال والبلطيق",
                "standfirst": "كيف يعمل حلفاء الناتو وشريكاه فنلندا والسويد معًا للدفاع عن هذه المنطقة ذات الأهمية الاستراتيجية في السياق الأمني الراهن؟",
                "body": paragraphs(
                    "بحر البلطيق هو الموضع الذي تلتقي فيه أراضي الحلفاء وشريكان مقرّبان وروسيا. ويتوقف أمنه على سرعة وصول القوات إليه وعلى جودة التعاون بين الدول المطلة عليه.",
                    "سألت مجلة الناتو مسؤولين من الحلفاء والشركاء عن الكيفية التي تغيّر بها التدريبات والوعي المشترك بالوضع والتشاور السياسي التخطيطَ الدفاعي في المنطقة.",
                ),
                "tags": ["منطقة الشمال والبلطيق", "فنلندا", "السويد"],
                "alt": "بحر رمادي تحت سماء شاحبة على ساحل البلطيق",
                "caption": "بحر البلطيق يربط بين الحلفاء والشركاء.",
            },
        ],
    },
    {
        "key": "odessa",
        "date": "2016-01-18",
        "kind": "video",
        "section": "partnerships",
        "image": ("Harbour cranes in Odessa", (90, 60, 30), (230, 180, 90)),
        "versions": [
            {
                "language": "en",
                "title": "Odessa: Ukraine’s secret weapon?",
                "standfirst": "Odessa has been attacked. Many times. But it has found a way to make the attacks bring people together. NATO Review travelled to the southern Ukrainian region to find out the secret of its success.",
                "body": paragraphs(
                    "Bombings, disinformation and pressure on its port have all been aimed at dividing the city. Instead, volunteers, local officials and businesses have organised together.",
                    "This film follows the people who run that response and asks what other regions can learn from it.",
                ),
                "tags": ["Ukraine", "Odessa", "Resilience"],
                "alt": "Cranes over the port of Odessa in warm evening light",
                "caption": "The port of Odessa.",
            },
        ],
    },
    {
        "key": "isil-nuclear",
        "date": "2015-05-26",
        "kind": "analysis",
        "section": "operations-and-missions",
        "authors": ["wolfgang-rudischhauser"],
        "image": ("Abstract of a radiation warning", (40, 40, 48), (200, 160, 40)),
        "versions": [
            {
                "language": "en",
                "title": "Could ISIL go nuclear?",
                "standfirst": "As ISIL’s in-house journalist warns that there is an ‘infinitely’ greater chance of the group making a nuclear attack on the West, Wolfgang Rudischhauser looks at how much of this claim is bluff – and how much should be taken seriously.",
                "body": paragraphs(
                    "Acquiring a nuclear weapon is hard; acquiring radioactive material for a crude device is less so. The difference matters for how seriously the threat should be taken.",
                    "This analysis separates propaganda from capability and sets out what Allies are doing to keep dangerous material out of terrorist hands.",
                ),
                "tags": ["ISIL", "Nuclear", "Terrorism"],
                "alt": "A yellow warning symbol on a dark background",
                "caption": "Radioactive material is easier to obtain than a weapon.",
            },
        ],
    },
    {
        "key": "ukraine-leave-behind",
        "date": "2014-12-01",
        "kind": "photo-story",
        "section": "partnerships",
        "image": ("Field of sunflowers", (30, 80, 150), (240, 200, 40)),
        "versions": [
            {
                "language": "en",
                "title": "Ukraine: what it hopes to leave behind",
                "standfirst": "Ukraine is facing change. It is hoping to look forward to less interference, corruption and conflict. Here are some images of what the country hopes to leave behind.",
                "body": paragraphs(
                    "A photo story from a country in transition: the places and habits Ukrainians hope will become history."
                ),
                "tags": ["Ukraine", "Reform"],
                "alt": "Blue sky over a yellow field",
                "caption": "Ukraine’s colours in its landscape.",
            },
        ],
    },
    {
        "key": "ukraine-russia-perception",
        "date": "2014-11-14",
        "kind": "analysis",
        "section": "deterrence-and-defence",
        "image": ("Two chess pieces", (60, 20, 20), (210, 200, 190)),
        "versions": [
            {
                "language": "ru",
                "title": "Украина и Россия: восприятие и действительность",
                "standfirst": "С момента публикации нашего последнего выпуска об Украине и России число вторжений со стороны России выросло, Запад принял дополнительные санкции, а заявления Президента Путина вызывают еще больший скептицизм. Итак, что происходит со стремительно несущейся вперед глобализацией в связи с этим расколом между Западом и Россией?",
                "body": paragraphs(
                    "Санкции, энергетика и торговля связывают Россию и Запад теснее, чем когда-либо в истории. Тем острее вопрос о том, что произойдет с этими связями, если раскол углубится.",
                    "Мы попросили экспертов оценить, где заканчивается восприятие и начинается действительность.",
                ),
                "tags": ["Украина", "Россия", "Санкции"],
                "alt": "Две шахматные фигуры на доске",
                "caption": "Восприятие и действительность.",
            },
        ],
    },
    {
        "key": "putin-backfired",
        "date": "2014-11-06",
        "kind": "opinion",
        "section": "deterrence-and-defence",
        "image": ("A boomerang in flight", (20, 70, 60), (230, 120, 60)),
        "versions": [
            {
                "language": "en",
                "title": "Three ways that Putin's Ukraine strategy has backfired",
                "standfirst": "Russia had a key ally running Ukraine in President Yanukovych at the beginning of this year. The country was weakened by its ingrained corruption. And Ukrainian armed forces did most of their work in far off peacekeeping missions. President Putin’s actions have changed all this. And not in his favour.",
                "body": paragraphs(
                    "Ukraine’s politics, its armed forces and its public opinion have all moved away from Moscow since the annexation of Crimea.",
                    "This piece sets out the three changes that matter most, and what they mean for the Alliance.",
                ),
                "tags": ["Ukraine", "Russia"],
                "alt": "A curved shape against a green background",
                "caption": "Strategies can turn back on those who launch them.",
            },
        ],
    },
    {
        "key": "strategic-focus",
        "date": "2024-04-04",
        "kind": "analysis",
        "section": "collective-defence",
        "image": ("Flags at NATO Headquarters", (10, 40, 90), (180, 200, 230)),
        "versions": [
            {
                "language": "en",
                "title": "NATO's Strategic Focus on Collective Defense and Crisis Management",
                "standfirst": "NATO's fundamental purpose is to safeguard the freedom and security of its members through political and military means.",
                "body": """<h2>What's Happening?</h2>
<p>NATO's fundamental purpose is to safeguard the freedom and security of its members through political and military means. The alliance emphasizes collective defense, where an attack on one member is considered an attack on all, fostering a sense of shared security among its members. NATO also engages in crisis prevention and management, partnering with other organizations and countries to promote peace and stability beyond its borders. The alliance's strategic concepts guide its political and military actions, adapting to new security challenges such as terrorism and Russia's aggression against Ukraine.</p>
<h2>Why It's Important?</h2>
<p>NATO's focus on collective defense and crisis management is vital for maintaining stability in the Euro-Atlantic area. By ensuring that no single member relies solely on its national capabilities, NATO fosters a spirit of solidarity and cohesion within the alliance. This shared security contributes to a stable international environment, allowing member countries to focus on economic and social development. As global security threats evolve, NATO's ability to adapt and respond effectively is crucial for protecting its members and promoting peace worldwide.</p>
<h2>What's Next?</h2>
<p>NATO is expected to continue strengthening its deterrence and defense capabilities, addressing emerging threats such as cyberattacks and geopolitical tensions. The alliance will likely enhance its partnerships and collaborative efforts to manage crises and stabilize post-conflict situations. As NATO navigates a changing security landscape, its commitment to collective defense and cooperative security will remain central to its strategy in safeguarding member countries' interests.</p>
<h2>Beyond the Headlines</h2>
<p>NATO's approach to security highlights the importance of consensus decision-making and consultation among member countries. The alliance's efforts to uphold democratic values and human rights reflect its commitment to a rules-based international order. As NATO adapts to new challenges, its ability to foster cooperation and unity among diverse member countries will be crucial in maintaining long-term stability and peace.</p>""",
                "tags": ["Collective defence", "Crisis management", "Article 5"],
                "alt": "A row of national flags in front of a modern building",
                "caption": "Allied flags at NATO Headquarters.",
            },
        ],
    },
    {
        "key": "collective-defence-core-task",
        "date": "2023-07-07",
        "kind": "analysis",
        "section": "collective-defence",
        "image": ("Soldiers on a winter exercise", (70, 80, 90), (220, 225, 230)),
        "versions": [
            {
                "language": "en",
                "title": "Collective defence",
                "standfirst": "Collective defence is the core task of the North Atlantic Alliance.",
                "body": """<p>Since the end of the Second World War, NATO has been one of the key guarantors of security on the European continent. The transatlantic alliance remains indispensable for the security of Germany and Europe.</p>
<p>NATO is an alliance for collective defence. In the event of an armed attack, Germany can rely on support from its fellow allies in Europe and North America. Conversely, all NATO members can rest assured that Germany will assist them should they come under armed attack.</p>
<p>Considering that violence and the threat of force have returned to Europe, effective collective defence is absolutely crucial. The illegal annexation of Crimea in 2014 and Russia’s war of aggression against Ukraine make plain that security cannot be taken for granted. New risks also keep emanating from regions marked by conflict in NATO’s southern neighbourhood. The global proliferation of weapons of mass destruction and the rearmament of many countries are creating new threat scenarios. NATO takes a 360-degree approach here.</p>
<p>In response, NATO remains primarily focused on deterrence to prevent the use of military force in the Euro-Atlantic area. For this, the Alliance maintains and develops a well-balanced, wide range of nuclear and conventional assets that include a ballistic missile defence capability. NATO will take all the necessary steps to guarantee the credibility, the effectiveness and the security of the nuclear deterrence mandate.</p>
<p>Allied solidarity can take different forms. In the history of the Alliance, Article 5 was invoked only once, after the terrorist attacks of 11 September 2001 in the United States. In practical terms, Allied solidarity means that Allies support and assist each other.</p>
<p>One example is the assurance measures that were implemented in the eastern part of Alliance territory. These were agreed in response to the illegal annexation of Crimea in March 2014 and the continued destabilisation of eastern Ukraine by Russia. This presence was expanded once more in February 2022 in reaction to the Russian war of aggression against Ukraine. This includes the enhanced presence of multinational formations in the eight states at NATO’s eastern flank. In 2017, Germany became framework nation and took the lead of an international battalion in Lithuania, thus, together with its partners, sending a strong signal of Allied solidarity. Germany has announced its readiness to deploy a German brigade in Lithuania on a permanent basis. This is to be done gradually once the necessary infrastructure has been set up in Lithuania, in accordance with NATO planning and in close coordination with Lithuania. Other measures include enhanced air policing in the Baltic region, which Germany participates in on a regular basis, as well as joint exercises.</p>
<p>Disarmament, arms control and non-proliferation remain fundamental to our security and make an essential contribution to the aims of the Alliance while complementing deterrence and defence. That is why NATO supports both individual measures such as Trust Funds to secure ammunition depots, destroy decommissioned military materiel, and clear mines, as well as providing political support to international efforts to promote effective non-proliferation policies and reduce nuclear weapons stockpiles taking into account the current security environment. The focus is on promoting confidence-building measures and predictability by nurturing dialogue, improving mutual understanding and establishing effective instruments for crisis prevention and management. NATO serves as a platform for discussion and close consultation on arms control endeavours.</p>""",
                "tags": ["Collective defence", "Article 5", "Deterrence", "Lithuania"],
                "alt": "Soldiers in winter camouflage crossing a snowy field",
                "caption": "Allied forces train together on NATO’s eastern flank.",
            },
        ],
    },
]


# The publication's own pages: (page, language, title, body). English for all; French and Arabic for some,
# so the others show the English text, labelled.
PUBLICATION_PAGES = [
    ("about", "en", "About Review", paragraphs(
        "Review is a magazine of analysis, opinion and debate on security issues. It publishes pieces by "
        "officials, academics, journalists and practitioners, in several languages, on the questions that "
        "shape collective defence, crisis management and cooperative security.",
        "Views expressed in the pieces are those of their authors and do not necessarily reflect official "
        "positions of any government or organisation.",
    )),
    ("about", "fr", "À propos de Review", paragraphs(
        "Review est un magazine d’analyse, d’opinion et de débat sur les questions de sécurité. Il publie, en "
        "plusieurs langues, des articles de responsables, d’universitaires, de journalistes et de praticiens.",
        "Les opinions exprimées dans les articles sont celles de leurs auteurs.",
    )),
    ("about", "ar", "عن المجلة", paragraphs(
        "مجلة Review منبر للتحليل والرأي والنقاش في قضايا الأمن، تنشر بعدة لغات مقالات لمسؤولين وأكاديميين "
        "وصحفيين وممارسين.",
        "الآراء الواردة في المقالات تعبّر عن أصحابها.",
    )),
    ("contact", "en", "Contact", paragraphs(
        "Write to the editors at <a href=\"mailto:review@example.org\">review@example.org</a>. We read every "
        "message; we cannot reply to all of them.",
        "Pitches for pieces: a short outline (200 words) and a line about yourself. Press enquiries: "
        "<a href=\"mailto:press@example.org\">press@example.org</a>.",
    )),
    ("editorial-policy", "en", "Editorial policy", paragraphs(
        "Review publishes signed analysis and opinion. Every piece is edited for clarity and checked for facts "
        "before it appears; authors see the edited text before publication.",
        "Translations are made from the published original and say so. When the original changes after a "
        "translation was made, the translation is reviewed again.",
        "Corrections are made openly: a corrected piece carries a note saying what changed and when.",
    )),
    ("reproduction", "en", "Reproduction and credit", paragraphs(
        "Pieces may be reproduced for non-commercial purposes, in whole or in part, provided the author and "
        "Review are credited and the original is linked: “First published in Review (review.example.org)”.",
        "Photographs and videos belong to their credited owners and may not be reproduced without their "
        "permission. For commercial use, write to <a href=\"mailto:review@example.org\">review@example.org</a>.",
    )),
    ("reproduction", "fr", "Reproduction et mention de la source", paragraphs(
        "Les articles peuvent être reproduits à des fins non commerciales, en tout ou en partie, à condition de "
        "citer l’auteur et Review et de renvoyer à l’original : « Publié d’abord dans Review (review.example.org) ».",
        "Les photos et vidéos appartiennent à leurs auteurs crédités et ne peuvent être reproduites sans leur accord.",
    )),
]  # fmt: skip


# Every state a newcomer should see in the admin, made by `load_demo` after the pieces (keyed by the source's slug).
FEATURED = {  # the home page's featured pieces, per language, in order
    "en": ["securing-the-nordic-baltic-region", "could-isil-go-nuclear"],
    "fr": ["securing-the-nordic-baltic-region"],
    "ar": ["securing-the-nordic-baltic-region"],
}
SCHEDULED_TRANSLATION = {  # goes live a week after the demo is loaded, at 09:00
    "source": "could-isil-go-nuclear",
    "language": "fr",
    "title": "L’EIIL pourrait-il passer au nucléaire ?",
    "standfirst": "Alors que le journaliste attitré de l’EIIL affirme que le risque d’une attaque nucléaire du groupe contre "
    "l’Occident est « infiniment » plus grand, Wolfgang Rudischhauser examine la part de bluff de cette affirmation – et "
    "ce qui doit être pris au sérieux.",
    "body": "<p>Se procurer une arme nucléaire est difficile ; se procurer des matières radioactives pour un engin rudimentaire "
    "l’est moins. La différence compte pour mesurer la gravité de la menace.</p>\n<p>Cette analyse sépare la propagande des "
    "capacités réelles et expose ce que font les Alliés pour tenir les matières dangereuses hors de portée des terroristes.</p>",
    "tags": ["EIIL", "Nucléaire", "Terrorisme"],
    "alt": "Un symbole d’avertissement jaune sur fond sombre",
    "caption": "Il est plus facile de se procurer des matières radioactives qu’une arme.",
}
IN_REVIEW_TRANSLATION = {  # translator-fr submitted it with a comment; an editor approves or sends it back
    "source": "odessa-ukraines-secret-weapon",
    "language": "fr",
    "title": "Odessa : l’arme secrète de l’Ukraine ?",
    "standfirst": "Odessa a été attaquée. À maintes reprises. Mais elle a trouvé le moyen de faire de ces attaques un facteur "
    "d’unité. NATO Review s’est rendue dans cette région du sud de l’Ukraine pour percer le secret de sa réussite.",
    "body": "<p>Attentats, désinformation et pressions sur son port visaient tous à diviser la ville. Au lieu de cela, "
    "bénévoles, élus locaux et entreprises se sont organisés ensemble.</p>\n<p>Ce film suit les personnes qui mènent "
    "cette riposte et se demande ce que d’autres régions peuvent en apprendre.</p>",
    "tags": ["Ukraine", "Odessa", "Résilience"],
    "alt": "Des grues au-dessus du port d’Odessa dans la lumière chaude du soir",
    "caption": "Le port d’Odessa.",
    "comment": "Prête pour relecture. J’ai gardé « Odessa » comme dans la version anglaise plutôt qu’« Odesa » : à confirmer.",
}
PENDING_CHANGE = {  # an editor's change to a live piece, waiting to be published
    "slug": "collective-defence",
    "language": "en",
    "standfirst_suffix": " Updated with the decisions of the 2024 Washington Summit.",
}
