"""Credentials never reach a log: a filter on every log handler scrubs them from each record.

What it hides: the value of an Authorization header (however it is quoted), whatever follows the
schemes Bearer, Basic, Digest and Token, `password=…`/`secret=…`/`token=…` pairs, the password of a
URL's `user:password@`, and any long random-looking value (an API token is 43 characters of
URL-safe base64 with upper case, lower case and digits). Hex digests and request ids (lower case)
stay readable.
"""

import logging
import re

REDACTED = "[redacted]"

_PATTERNS = [
    # Authorization: Bearer x / 'HTTP_AUTHORIZATION': 'Basic x' / authorization=x — the whole value.
    (re.compile(r"(?i)\b((?:http_)?authorization['\"]?\s*[:=]\s*)(['\"]?)[^'\"\r\n]*"), rf"\1\2{REDACTED}"),
    # A scheme followed by its credential, wherever it appears ("Unexpected auth - 'Basic dXNl…'").
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=:@-]{4,}"), rf"\1\2{REDACTED}"),
    (re.compile(r"(?i)\b(token)(\s+)[A-Za-z0-9._~+/=:@-]{16,}"), rf"\1\2{REDACTED}"),
    # password=…, "secret": "…", token=… (query strings, dict reprs, form bodies).
    (re.compile(r"(?i)((?:password|passwd|secret|token)['\"]?\s*[:=]\s*['\"]?)[^'\"\s&,;}]+"), rf"\1{REDACTED}"),
    # https://user:password@host
    (re.compile(r"(://[^/\s:@]+:)[^@\s/]+@"), rf"\1{REDACTED}@"),
    # A long random value with upper case, lower case and digits: an API token or a device secret.
    (
        re.compile(
            r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[a-z])(?=[A-Za-z0-9_-]*[0-9])"
            r"[A-Za-z0-9_-]{32,}(?![A-Za-z0-9_-])"
        ),
        REDACTED,
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Attached to every handler (settings.LOGGING): the message, its arguments and any traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler's own error reporting
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
