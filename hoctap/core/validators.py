"""Validators shared by every input path (forms, API, imports, sign-up): one rule, one message."""

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .text import invisible_characters


def check_visible_text(value: str, label) -> None:
    """Refuse a name holding characters nobody can see, naming the field and where the first one is."""
    positions = invisible_characters(value)
    if positions:
        raise ValidationError(
            _(
                "%(field)s có ký tự ẩn (ký tự đổi hướng chữ hoặc ký tự không có độ rộng) ở vị trí thứ %(position)s; "
                "hãy xoá ô này và gõ lại bằng bàn phím."
            )
            % {"field": str(label)[:1].upper() + str(label)[1:], "position": positions[0]},
            code="invisible_characters",
        )


@deconstructible
class VisibleText:
    """The model-field form of `check_visible_text`, so that every ModelForm (pages and API) runs it."""

    def __init__(self, label):
        self.label = label

    def __call__(self, value):
        check_visible_text(value, self.label)

    def __eq__(self, other):
        return isinstance(other, VisibleText) and str(self.label) == str(other.label)
