"""Official documents — decisions, certificates, reports to the level above, honour lists — are
written in Vietnamese whatever language the reader's interface speaks: they are filed, signed and
verified as administrative documents, so an officer who browses in English still issues the same
paper as everyone else."""

import functools

from django.utils import translation

OFFICIAL_LANGUAGE = "vi"


def in_official_language(function):
    """Run `function` with Vietnamese active (a fresh override per call: safe when nested or
    called from several threads)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with translation.override(OFFICIAL_LANGUAGE):
            return function(*args, **kwargs)

    return wrapper
