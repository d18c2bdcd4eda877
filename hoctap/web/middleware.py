"""HTML and JSON compressed on the way out; files that are compressed already are left alone.

Django's GZipMiddleware is safe against BREACH here (see docs/architecture.md, "Light pages"): it
pads every compressed response with a random number of bytes ("Heal the Breach"), and the one
secret that sits on most pages, the CSRF token, is masked afresh for every response.
"""

from django.middleware.gzip import GZipMiddleware

# xlsx and docx are zip archives, PDFs and images carry their own compression: gzip would spend
# CPU on a large file for nothing.
ALREADY_COMPRESSED = (
    "application/vnd.openxmlformats",
    "application/zip",
    "application/pdf",
    "image/",
    "application/gzip",
)


class CompressMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith(ALREADY_COMPRESSED):
            return response
        return super().process_response(request, response)
