"""Security glue: who the client is (login throttling) and the headers every response carries."""

from csp.middleware import CSPMiddleware
from django.conf import settings


def client_ip(request):
    """REMOTE_ADDR; behind `REVIEW_TRUSTED_PROXY_COUNT` proxies, the address the outermost of them saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; anything further left was written by the client.
    """
    proxies = settings.REVIEW_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy from settings, plus Permissions-Policy on every response.

    The admin (Django's own templates, the rich text editor) sets inline styles, so its pages allow
    them; scripts stay 'self' plus the page's nonce there too. Reader pages allow nothing inline.
    """

    def process_response(self, request, response):
        if request.path_info.startswith("/admin/") and not hasattr(response, "_csp_update"):
            response._csp_update = {"style-src": ["'unsafe-inline'"]}
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
