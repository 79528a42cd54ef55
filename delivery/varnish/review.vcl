# Varnish in front of Review: caches anonymous reader pages; the site bans exactly the paths a change
# touches (delivery.backends.VarnishBan). Staff (the signed review_staff marker), the admin, previews and
# anything but GET/HEAD go straight to Django.
vcl 4.1;

backend default {
    .host = "web";
    .port = "8000";
}

# Who may ban: the web and worker containers (compose's private network) and this host.
acl purgers {
    "127.0.0.1";
    "::1";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
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
    set beresp.http.x-url = bereq.url;
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
