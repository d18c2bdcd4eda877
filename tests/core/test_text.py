import pytest
from hypothesis import given
from hypothesis import strategies as st

from hoctap.core.text import fold, normalise, sort_key
from hoctap.territory.models import Level, Unit
from tests.conftest import make_unit


def test_fold_ignores_case_and_diacritics():
    assert fold("ĐỨC") == fold("đức") == fold("Đức") == fold("duc") == "duc"
    assert fold("  Xã   Bắc  Sơn ") == "xa bac son"


def test_normalise_gives_nfc():
    decomposed = "Xa\u0303 Bă\u0301c"  # NFD input
    assert normalise(decomposed) == "Xã Bắc"


VIETNAMESE_ORDER = [
    "An",
    "An Bình",
    "Ăn",
    "Ân",
    "Bình",
    "Cao",
    "Dương",
    "Đào",
    "Em",
    "Ê",
    "Giang",
    "Hà",
    "Hạ",
    "Inh",
    "Kim",
    "Long",
    "Mai",
    "Nam",
    "Oanh",
    "Ôn",
    "Ơn",
    "Phú",
    "Quang",
    "Sơn",
    "Tân",
    "Uyên",
    "Ưng",
    "Vân",
    "Xuân",
    "Yên",
]


def test_sort_key_follows_the_vietnamese_alphabet():
    shuffled = sorted(VIETNAMESE_ORDER, key=lambda s: s[::-1])
    assert sorted(shuffled, key=sort_key) == VIETNAMESE_ORDER


def test_tones_are_a_second_level_difference():
    assert sorted(["mạ", "má", "mã", "mả", "mà", "ma"], key=sort_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # a tone never outranks a letter: "má" < "mb…"
    assert sort_key("má") < sort_key("mba")


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạ 0123456789", max_size=20))
def test_sort_key_is_plain_lowercase_ascii(text):
    key = sort_key(text)
    assert key.isascii() and key == key.lower() and " " not in key


NAMES = ["Xã Đức Hợp", "Phường Đông Hưng", "Xã Quỳnh Phụ", "Xã Ân Thi", "Xã An Bài", "Xã DUC THANH", "Xã Hưng Hà"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,expected",
    [
        ("duc", {"Xã Đức Hợp", "Xã DUC THANH"}),
        ("đức", {"Xã Đức Hợp", "Xã DUC THANH"}),
        ("ĐỨC", {"Xã Đức Hợp", "Xã DUC THANH"}),
        ("hung", {"Phường Đông Hưng", "Xã Hưng Hà"}),
        ("an", {"Xã Ân Thi", "Xã An Bài", "Xã DUC THANH"}),
        ("bai", {"Xã An Bài"}),
    ],
)
def test_search_and_order_are_the_same_on_every_database(query, expected):
    """Runs on SQLite and PostgreSQL (make test runs both): same rows, same order."""
    nation = make_unit(Level.NATION, "VN", "Việt Nam")
    for i, name in enumerate(NAMES):
        make_unit(Level.COMMUNE, f"9{i:04d}", name, nation)
    found = list(Unit.objects.filter(level=Level.COMMUNE).search(query).in_order().values_list("name", flat=True))
    assert set(found) == expected
    assert found == sorted(expected, key=lambda n: sort_key(n.split(" ", 1)[1]))


@pytest.mark.django_db
def test_lists_sort_in_vietnamese_order_in_the_database():
    nation = make_unit(Level.NATION, "VN", "Việt Nam")
    for i, name in enumerate(reversed(VIETNAMESE_ORDER)):
        make_unit(Level.COMMUNE, f"8{i:04d}", f"Xã {name}", nation)
    assert (
        list(Unit.objects.filter(level=Level.COMMUNE).in_order().values_list("short_name", flat=True))
        == VIETNAMESE_ORDER
    )
