"""Keys written with characters that look like ASCII but are not.

Every configuration key is ASCII. A key typed or pasted with a Cyrillic ``а``, a full-width
``ｍ``, a ligature ``ﬁ``, an accent or a zero-width space is an unknown key like any typo,
never silently ignored nor silently accepted; the message shows its odd characters as
escapes (``metric_n\\u0430me``) and suggests the ASCII key it looks like.
"""

from __future__ import annotations

import re
import unicodedata

# Letters of other scripts drawn like Latin ones (lower and upper case), ours by eye.
_LOOK_ALIKE = str.maketrans(
    "аеорсухіјѕԁһӏԛԝɡАВЕКМНОРСТХУІЈЅαεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΧΥΖı",
    "aeopcyxijsdhlqwgABEKMHOPCTXYIJSaeikvoptuxABEHIKMNOPTXYZi")
_DROPPED = ("Mn", "Me", "Cf")  # accents, enclosing marks, invisible format characters
ASCII_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
WORD = re.compile(r"[^\W\d_][\w-]*")  # the same in any script


def skeleton(text: str) -> str:
    """The text as it looks in ASCII: compatibility forms folded (full-width letters,
    ligatures), accents and invisible characters dropped, look-alike letters mapped;
    characters with no ASCII look-alike are kept as they are."""
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    kept = "".join(ch for ch in folded if unicodedata.category(ch) not in _DROPPED)
    return kept.translate(_LOOK_ALIKE)


def looks_like_key(text: str) -> bool:
    """Whether ``text`` is written like a key (``metric_name``), or would be but for some
    characters outside ASCII: a word with a Latin letter (``metric_nаme``, ``tіme_budget``,
    not ``注意``)."""
    if text.isascii():
        return ASCII_KEY.fullmatch(text) is not None
    folded = skeleton(text)
    return WORD.fullmatch(folded) is not None and re.search("[A-Za-z]", folded) is not None


def visible(text: str) -> str:
    """``text`` with every non-ASCII character written as an escape (``\\u0430``)."""
    return text.encode("ascii", "backslashreplace").decode("ascii")


def odd_characters(text: str) -> str:
    """The non-ASCII characters of ``text``, each once, as escapes: ``\\u0430, \\u200b``."""
    return ", ".join(dict.fromkeys(visible(ch) for ch in text if not ch.isascii()))
