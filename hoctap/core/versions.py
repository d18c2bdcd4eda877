"""The optimistic version check every workflow shares.

A record that moves through states carries a `version` that each step raises by one. A page or an API
client sends back the version it showed; when someone else has acted since, the step is refused with
`StaleRecord` (the API answers 409 with the current version) instead of deciding on what the person
did not see."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StaleRecord(ValidationError):
    """Someone else changed the record since it was loaded."""

    message = _(
        "Bản ghi đã được người khác cập nhật (phiên bản %(current)s, bạn đang xem phiên bản %(loaded)s). "
        "Hãy tải lại trang để xem thay đổi rồi làm lại."
    )

    def __init__(self, current_version: int, loaded_version: int):
        self.current_version = current_version
        super().__init__(self.message, code="stale", params={"current": current_version, "loaded": loaded_version})


def check_version(current_version: int, expected_version: int | None, stale=StaleRecord) -> None:
    """Refuse with `stale` when the caller named a version and the record has moved past it."""
    if expected_version is not None and current_version != expected_version:
        raise stale(current_version, expected_version)
