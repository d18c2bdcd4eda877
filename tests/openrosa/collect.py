"""A small ODK Collect: it lists, downloads and submits forms as getodk/collect does.

What it copies from Collect's source (open-rosa module, OpenRosaServerInstanceUploader): requests
carry `X-OpenRosa-Version: 1.0` and a `Date`; the form list and manifest are parsed by namespace
(`http://openrosa.org/xforms/xformsList`, `…/xformsManifest`), hashes are `md5:`-prefixed; a
submission is a HEAD to `/submission` (204 expected, `X-OpenRosa-Accept-Content-Length` read), then
a multipart POST with the instance as `xml_submission_file` and each attachment as a part named by
its file name; 201 and 202 mean received, any other code is a failure whose `<message>` is shown.
The instance is the form's primary instance filled in, with `meta/instanceID` set to a uuid.
"""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import io
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.http import http_date

from hoctap.openrosa import xform

LIST = "{http://openrosa.org/xforms/xformsList}"
MANIFEST = "{http://openrosa.org/xforms/xformsManifest}"
XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"


@dataclass
class DownloadedForm:
    form_id: str
    name: str
    version: str
    xml: bytes
    subjects: list[dict]
    media_hash: str = ""
    names: dict = field(default_factory=dict)

    def template(self) -> ET.Element:
        root = ET.fromstring(self.xml)
        for instance in root.iter(f"{XF}instance"):
            if instance.get("id") is None:
                return copy.deepcopy(list(instance)[0])
        raise AssertionError("no primary instance")

    def subject(self, assessment_id) -> dict:
        return next(row for row in self.subjects if row["name"] == str(assessment_id))


@dataclass
class Reply:
    status: int
    message: str
    headers: dict


class Collect:
    def __init__(self, client, login: str, secret: str):
        self.client = client
        token = base64.b64encode(f"{login}:{secret}".encode()).decode()
        self.headers = {
            "HTTP_AUTHORIZATION": f"Basic {token}",
            "HTTP_X_OPENROSA_VERSION": "1.0",
            "HTTP_DATE": http_date(),
        }

    def get(self, url):
        return self.client.get(url, secure=True, **self.headers)

    def form_list(self) -> list[dict]:
        response = self.get("/openrosa/formList")
        assert response.status_code == 200, response.content
        assert response["X-OpenRosa-Version"] == "1.0"
        root = ET.fromstring(response.content)
        assert root.tag == f"{LIST}xforms"
        return [
            {child.tag.removeprefix(LIST): (child.text or "") for child in item}
            for item in root.findall(f"{LIST}xform")
        ]

    def download(self, item: dict) -> DownloadedForm:
        form = self.get(item["downloadUrl"])
        assert form.status_code == 200
        assert item["hash"] == "md5:" + hashlib.md5(form.content).hexdigest()
        manifest = ET.fromstring(self.get(item["manifestUrl"]).content)
        assert manifest.tag == f"{MANIFEST}manifest"
        [media] = manifest.findall(f"{MANIFEST}mediaFile")
        assert media.find(f"{MANIFEST}filename").text == xform.SUBJECTS_FILE
        data = self.get(media.find(f"{MANIFEST}downloadUrl").text).content
        media_hash = media.find(f"{MANIFEST}hash").text
        assert media_hash == "md5:" + hashlib.md5(data).hexdigest()
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        return DownloadedForm(item["formID"], item["name"], item["version"], form.content, rows, media_hash)

    def fill(
        self,
        form: DownloadedForm,
        assessment_id,
        answers: dict,
        *,
        action="draft",
        photos=None,
        note="",
        location="",
        instance_id=None,
    ) -> tuple[bytes, dict]:
        """The instance XML and attachments for `answers` (indicator code → text, as typed on the phone)
        and `photos` (indicator code → (file name, bytes)); base_version comes from the subject list,
        as the form's calculate computes it on the phone."""
        root = form.template()
        values = {
            "subject": str(assessment_id),
            "base_version": form.subject(assessment_id)["version"],
            "note": note,
            "location": location,
            "action": action,
            "instanceID": f"uuid:{uuid.uuid4()}" if instance_id is None else instance_id,
        }
        definition_names = self._names(root)
        for code, value in answers.items():
            values[definition_names[code]] = value
        files = {}
        for code, (filename, data) in (photos or {}).items():
            values[xform.photo_name(definition_names[code])] = filename
            files[filename] = data
        for element in root.iter():
            # Collect writes the instance without the form's default (XForms) namespace.
            element.tag = local = element.tag.rsplit("}", 1)[-1]
            if local in values and len(element) == 0:
                element.text = values[local]
        return ET.tostring(root, encoding="utf-8", xml_declaration=True), files

    def _names(self, root) -> dict:
        # Question names are "i_" + code with punctuation replaced; read them back from the template.
        names = {}
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            if local.startswith("i_"):
                names[local[2:]] = local
        return _CodeMap(names)

    def head(self) -> Reply:
        response = self.client.head("/openrosa/submission", secure=True, **self.headers)
        return Reply(response.status_code, "", dict(response.headers))

    def send(self, instance: bytes, files: dict, *, content_type_of=lambda name: "image/jpeg") -> Reply:
        head = self.head()
        assert head.status == 204, head
        assert int(head.headers["X-OpenRosa-Accept-Content-Length"]) > 0
        data = {"xml_submission_file": SimpleUploadedFile("instance.xml", instance, content_type="text/xml")}
        for name, content in files.items():
            data[name] = SimpleUploadedFile(name, content, content_type=content_type_of(name))
        response = self.client.post("/openrosa/submission", data=data, secure=True, **self.headers)
        return _reply(response)


def _reply(response) -> Reply:
    message = ""
    if b"OpenRosaResponse" in response.content:
        node = ET.fromstring(response.content).find("{http://openrosa.org/http/response}message")
        message = node.text if node is not None else ""
    return Reply(response.status_code, message, dict(response.headers))


class _CodeMap(dict):
    """Indicator code → question name; codes with '.' or '-' appear with '_' in names."""

    def __missing__(self, code):
        import re

        return "i_" + re.sub(r"[^A-Za-z0-9_]", "_", code)
