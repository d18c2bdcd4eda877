"""The QR code that configures ODK Collect in one scan.

ODK Collect reads a settings QR code as base64(zlib(JSON)) with `general`, `admin` and `project`
sections (getodk/collect, ProjectKeys; the format is in ODK's "Importing and exporting settings"
documentation). Omitted settings keep Collect's defaults.
"""

from __future__ import annotations

import base64
import json
import zlib

import segno


def collect_settings(*, server_url: str, login: str, secret: str, project_name: str) -> dict:
    return {
        "general": {
            "server_url": server_url,
            "username": login,
            "password": secret,
            # The phone keeps exactly the forms the server lists (a closed campaign disappears) and
            # checks every hour, refreshing the subject list with them.
            "form_update_mode": "match_exactly",
            "periodic_form_updates_check": "every_one_hour",
            "automatic_update": True,
            # Finalised forms leave as soon as there is any signal.
            "autosend": "wifi_and_cellular",
            "app_language": "vi",
        },
        "admin": {},
        "project": {"name": project_name[:50], "icon": "H", "color": "#1f5f99"},
    }


def encode(settings: dict) -> str:
    return base64.b64encode(zlib.compress(json.dumps(settings, ensure_ascii=False).encode("utf-8"))).decode("ascii")


def decode(payload: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))


def qr_data_uri(payload: str) -> str:
    return segno.make(payload, error="m", micro=False).svg_data_uri(scale=4, border=4)
