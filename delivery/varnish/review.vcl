# Varnish in front of Review: caches anonymous reader pages; the site bans exactly the paths a change
# touches (delivery.backends.VarnishBan). Staff (the signed review_staff marker), the admin, previews and
# anything but GET/HEAD go straight to Django.
vcl 4.1;

import std;

backend default {
    .host = "web";
    .port = "8000";
}

# Who may ban: exactly the hosts REVIEW_PURGERS names (delivery/varnish/render.sh writes them between the markers;
# compose names the web and worker containers). As committed: this host alone.
acl purgers {
    # purgers:begin
    "127.0.0.1";
    "::1";
    # purgers:end
}

# Parameters that only say where a reader came from: no page reads them, so they never make another cache object.
# The same list as delivery.pagecache.TRACKING_PARAMETERS.
sub review_normalise {
    set req.http.host = std.tolower(req.http.host);
    set req.url = regsuball(req.url, "(?i)([?&])(utm_[a-z0-9_]*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|yclid|igshid|twclid|ref_src)(=[^&]*)?(?=&|$)", "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&+", "?");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (!client.ip ~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Ban-Keys) {
            # Pages that show what a key names (a version, a tag, a listing...): by the comma-separated keys they carry.
            ban("obj.http.x-review-keys ~ " + req.http.X-Ban-Keys);
            return (synth(200, "Banned"));
        }
        if (!req.http.X-Ban-Url) {
            return (synth(400, "X-Ban-Url or X-Ban-Keys is required"));
        }
        # On the stored URL (a lurker-friendly ban): every query string of the banned paths, nothing else.
        ban("obj.http.x-url ~ " + req.http.X-Ban-Url);
        return (synth(200, "Banned"));
    }
    call review_normalise;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.url ~ "^/[^/]+/preview/" || req.http.Authorization) {
        return (pass);
    }
    # Staff carry a marker signed by the site (delivery/staff.py); Varnish cannot check the signature, so Django's
    # page cache does. A session or CSRF cookie alone is anyone's: it is dropped and the page served from here.
    if (req.http.Cookie ~ "(^|;\s*)review_staff=") {
        return (pass);
    }
    unset req.http.Cookie;  # reader pages read no other cookie
    return (hash);
}

sub vcl_backend_response {
    # Bans match the path in its one normal form, as the site spells it (X-Review-Path: decoded, then escaped as
    # reverse() escapes): every spelling of a URL (%d8 or %D8, a raw or an escaped letter) is banned together.
    if (beresp.http.X-Review-Path) {
        set beresp.http.x-url = beresp.http.X-Review-Path;
    } else {
        set beresp.http.x-url = regsub(bereq.url, "\?.*$", "");
    }
    unset beresp.http.X-Review-Path;
}

sub vcl_deliver {
    unset resp.http.x-url;
    unset resp.http.x-review-keys;
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "hit";
    } else {
        set resp.http.X-Varnish-Cache = "miss";
    }
}
