"""`makemessages` that also reads the reader site's Jinja2 templates (templates/jinja2/).

Django's command turns Django templates into Python for xgettext; a Jinja2 template would come out
wrong. For those, the strings are taken with Jinja2's own extractor (`Environment.extract_translations`,
the one Babel uses) and written as gettext calls on the same line numbers, so the .po references
still point at the template line.
"""

from django.core.management.commands import makemessages
from django.template import engines

GETTEXT_CALLS = {"_": "gettext", "gettext": "gettext", "ngettext": "ngettext", "pgettext": "pgettext", "npgettext": "npgettext"}


def jinja2_as_python(source):
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in engines["jinja2"].env.extract_translations(source):
        arguments = message if isinstance(message, tuple) else (message,)
        call = f"{GETTEXT_CALLS.get(function, 'gettext')}({', '.join(repr(a) for a in arguments if a is not None)})"
        lines[lineno - 1] += f"{call}; "
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if self.is_templatized and self.domain == "django" and "jinja2" in self.path.split("/"):
            with open(self.path, encoding="utf-8") as source, open(self.work_path, "w", encoding="utf-8") as out:
                out.write(jinja2_as_python(source.read()))
            return
        super().preprocess()


class Command(makemessages.Command):
    build_file_class = BuildFile
