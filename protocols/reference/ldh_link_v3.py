#!/usr/bin/env python3
"""Independent Python reference implementation of the ldh-link protocol v3 (producer side and hub
re-keying / audit chain).

What it is
    A second, independent implementation of the producer-side computations of
    ``ldh-link/3`` / ``norm-v1``: HKDF-SHA-256 subkeys and key fingerprint (§2),
    normalisation of NIR, names, first names, birth date, sex and birth place (§1),
    the NIR pseudonym and the identity key (§3), CLK field values, tokens, bit
    positions and the 1024-bit Bloom filter (§4), its diffusion into the CLK (§4.2), extra free-text CLK fields declared by a
    mapping as ``extra/<name>`` (§4.1), the four composite CLK fields built from
    American Soundex codes, birth date, birth place and sex (§4.3), and the canonical
    bytes that a producer signs in its manifest (§7). Protocol v3 has no blocking keys
    (§5): there is nothing of them left to compute or check.
    Ed25519 itself is not implemented (it is not in the Python standard library):
    for the manifest only the canonical signed bytes are recomputed.

    Hub side (``protocols/hub-v1.md``): the hub subkeys K_hub,purpose and the
    HMAC pad blocks the hub binds in SQL, the re-keying of the NIR pseudonym and
    the identity key (§6), the audit entry hash and the verification of the hash
    chain against a recorded head (§7).

How it was written
    From ``protocols/protocol-v3.md`` and ``protocols/test-vectors-v3.json`` only,
    without reading the TypeScript implementation (``src/``, ``scripts/``), to test
    the document's claim that the protocol can be re-implemented from it alone.
    §4.1 (extra fields) was added from the text of §4.1 and the ``extra_fields``
    items of the vectors (as described in §8), §4.2 (diffusion, protocol v2) from the text
    of §4.2 and the ``diffusion_taps`` item, and §4.3 (composite fields, protocol v3)
    from the text of §4.3 and the vectors (their ``clk_input``, ``token_positions``
    and filters); the Soundex and the parts of the composite tokens reuse the code
    this reference had for the keyed blocking keys of v2, which v3 removed.
    The hub part was written from ``protocols/hub-v1.md`` §6–7 (its author had
    also read ``src/core/rekey.ts`` and ``src/core/audit-chain.ts``); where the
    text is silent — which problem the verifier names when an entry shows several,
    and which seq a cut tail is reported at — ``verify_audit_chain`` says so and
    follows the vectors' expected results.
    Python 3.11 standard library only.

How to run it
    python3 protocols/reference/ldh_link_v3.py protocols/test-vectors-v3.json
    python3 protocols/reference/ldh_link_v3.py protocols/test-vectors-hub-v1.json

    The hub file is recognised by its ``format`` item
    (``"ldh-link/test-vectors-hub"``); any other file is read as the producer
    vectors. It checks every item of the vectors file, prints one line per failed check
    (case name and what differs) and ends with ``conformance ok checks=<n>``
    (exit 0) or ``conformance FAILED failures=<f> checks=<n>`` (exit 1).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import hmac
import json
import math
import re
import sys
import unicodedata

# ---------------------------------------------------------------------------
# Parameters (protocol-v3.md, "versions" table)
# ---------------------------------------------------------------------------

PROTOCOL_VERSION = "ldh-link/3"
NORMALISATION_VERSION = "norm-v1"
SECRET_BYTES = 32
HKDF_SALT = b"ldh-link/1"
HKDF_INFO_PREFIX = "ldh-link/1/"
FINGERPRINT_MESSAGE = b"ldh-link key fingerprint"
NIR_DOMAIN = "ldh-link/1/nir"
IDKEY_DOMAIN = "ldh-link/1/idkey"
SIGNATURE_CONTEXT = b"ldh-link/1 manifest\n"
CLK_BITS = 1024          # Bloom-filter length l
DIFFUSION_TAPS = 2       # §4.2, "diffusion" table
DIFFUSION_BITS = 1024    # CLK length after diffusion
PAD = "_"

# §4, "clk-fields" table: (name, tokenizer, k), in table order.
CLK_FIELDS = [
    ("birth_name", "bigrams", 30),
    ("usage_name", "bigrams", 10),
    ("first_name", "bigrams", 25),
    ("other_first_names", "bigrams", 8),
    ("birth_year", "whole", 40),
    ("birth_month", "whole", 30),
    ("birth_day", "whole", 30),
    ("sex", "whole", 20),
    ("birth_place", "whole", 30),
    ("birth_dept", "whole", 30),
    # §4.3, composite fields (whole tokens, k = 40), after the ten fields above
    ("name_year", "whole", 40),
    ("firstname_dob", "whole", 40),
    ("names_sex", "whole", 40),
    ("dob_place", "whole", 40),
]
COMPOSITE_FIELDS = ["name_year", "firstname_dob", "names_sex", "dob_place"]

# §4.1, "extra-fields" table: a mapping's `extra/<name>` columns become CLK fields
# `extra/<name>`, padded bigrams, k = 15, subkey purpose `clk/extra/<name>`.
EXTRA_PREFIX = "extra/"
EXTRA_NAME = re.compile(r"[a-z0-9_]{1,32}")
EXTRA_TOKENIZER = "bigrams"
EXTRA_K = 15

# §2, purposes table.
PURPOSES = (
    ["nir", "idkey", "fingerprint"]
    + ["clk/" + f for f, _, _ in CLK_FIELDS]
    + ["diffusion"]
)

# ---------------------------------------------------------------------------
# Byte helpers (Conventions)
# ---------------------------------------------------------------------------


def u16be(n: int) -> bytes:
    return n.to_bytes(2, "big")


def u32be(n: int) -> bytes:
    return n.to_bytes(4, "big")


def lp(s: str) -> bytes:
    b = s.encode("utf-8")
    if len(b) > 0xFFFF:
        raise ValueError("lp(): value longer than 65535 bytes")
    return u16be(len(b)) + b


def hmac_sha256(key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, hashlib.sha256).digest()


# ---------------------------------------------------------------------------
# §2 Keys
# ---------------------------------------------------------------------------


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869: extract then expand."""
    prk = hmac_sha256(salt, ikm)
    okm, t, i = b"", b"", 1
    while len(okm) < length:
        t = hmac_sha256(prk, t + info + bytes([i]))
        okm += t
        i += 1
    return okm[:length]


def subkey(k_link: bytes, purpose: str) -> bytes:
    if len(k_link) != SECRET_BYTES:
        raise ValueError("K_link must be 32 bytes")
    return hkdf_sha256(k_link, HKDF_SALT, (HKDF_INFO_PREFIX + purpose).encode("utf-8"), 32)


def key_fingerprint(k_link: bytes) -> str:
    return hmac_sha256(subkey(k_link, "fingerprint"), FINGERPRINT_MESSAGE).hex()


class Keys:
    """All subkeys of a linkage secret, derived once."""

    def __init__(self, k_link: bytes):
        self.k_link = k_link
        self.sub = {p: subkey(k_link, p) for p in PURPOSES}

    def get(self, purpose: str) -> bytes:
        """The subkey of any purpose (e.g. `clk/extra/<name>`, §4.1), derived on first use."""
        if purpose not in self.sub:
            self.sub[purpose] = subkey(self.k_link, purpose)
        return self.sub[purpose]


# ---------------------------------------------------------------------------
# §1.1 NIR
# ---------------------------------------------------------------------------

# "white space (including U+00A0)": Python's \s on str is Unicode-aware and
# includes U+00A0.
_NIR_STRIP = re.compile(r"[\s\u00a0.\-/_]")
_NIR_STRUCT = re.compile(r"[1-8][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}")

_FLAG_TRUE = {"1", "O", "OUI", "Y", "YES", "TRUE", "T", "V", "VRAI"}
_FLAG_FALSE = {"0", "N", "NON", "NO", "FALSE", "F", "FAUX"}


def parse_flag(raw):
    """nir_certified flag: True, False or None (not provided)."""
    if raw is None:
        return None
    s = str(raw).strip().upper()
    if s in _FLAG_TRUE:
        return True
    if s in _FLAG_FALSE:
        return False
    return None


def normalise_nir(raw, certified_flag=None):
    """Return (normalised NIR or None, class)."""
    s = _NIR_STRIP.sub("", raw or "").upper()
    if (
        s == ""
        or set(s) <= {"0"}
        or set(s) <= {"X"}
        or set(s) <= {"9"}
        or s in ("NEANT", "INCONNU")
    ):
        return None, "missing"
    if not _NIR_STRUCT.fullmatch(s):
        return None, "invalid"
    n13 = s[:13]
    n13 = n13[:5] + n13[5:7].replace("2A", "19").replace("2B", "18") + n13[7:]
    key = 97 - (int(n13) % 97)
    if int(s[13:15]) != key:
        return None, "invalid"
    if s[0] in "12":
        cls = "unverified" if certified_flag is False else "certified"
    else:  # 5, 6, 7, 8. The spec gives no class for 3 and 4, which pass step 3: assumed provisional.
        cls = "provisional"
    return s, cls


# ---------------------------------------------------------------------------
# §1.2 Names
# ---------------------------------------------------------------------------

_LETTER_MAP = {
    "Œ": "OE", "œ": "OE", "Æ": "AE", "æ": "AE", "ß": "SS", "ẞ": "SS",
    "Ø": "O", "ø": "O", "Ł": "L", "ł": "L", "Đ": "D", "đ": "D", "Ð": "D",
    "ð": "D", "Þ": "TH", "þ": "TH", "ı": "I",
}
_SEPARATORS = re.compile(r"[\s'’‘`´ʼ\-‐‑‒–—―._]+")
_NOT_AZ_SPACE = re.compile(r"[^A-Z ]")
_SPACES = re.compile(r" +")
PLACEHOLDERS = {"INCONNU", "INCONNUE", "NEANT", "SANS NOM", "SANS PRENOM", "SNP", "NC", "ND"}


def _is_placeholder(s: str) -> bool:
    if s == "":
        return False
    return s in PLACEHOLDERS or set(s) <= {"X"}


def normalise(s) -> str:
    """norm-v1 name normalisation; '' when missing."""
    if s is None:
        return ""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M"))
    s = "".join(_LETTER_MAP.get(ch, ch) for ch in s)
    s = s.upper()
    s = _SEPARATORS.sub(" ", s)
    s = _NOT_AZ_SPACE.sub("", s)
    s = _SPACES.sub(" ", s).strip()
    if _is_placeholder(s) or _is_placeholder(s.replace(" ", "")):
        return ""
    return s


def compact(s: str) -> str:
    return s.replace(" ", "")


_NOT_AZ09 = re.compile(r"[^A-Z0-9]")


def normalise_extra(s) -> str:
    """§4.1 value of an extra CLK field: NFKD, marks removed, the letters of §1.2 step 2 replaced, upper
    case (full mapping), only A–Z and 0–9.

    '' when missing (empty cell, or nothing left). No placeholders.
    """
    if s is None:
        return ""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M"))
    s = "".join(_LETTER_MAP.get(ch, ch) for ch in s)
    return _NOT_AZ09.sub("", s.upper())


_INVERTED_PARTICLE = re.compile(r"^\s*(.*?)\s*\(\s*([^()]*?)\s*\)\s*$", re.S)


def _uninvert_particle(raw: str) -> str:
    m = _INVERTED_PARTICLE.match(raw)
    if m and m.group(1) and m.group(2):
        return m.group(2) + " " + m.group(1)
    return raw


_MARRIAGE_MARKER = re.compile(r" (EPOUSE|EP|EPSE|VEUVE|VVE) ")


def normalise_surnames(raw_birth, raw_usage):
    """Return (birth_name, usage_name), normalised ('' when missing)."""
    birth = normalise(_uninvert_particle(raw_birth or ""))
    usage = normalise(_uninvert_particle(raw_usage or ""))
    m = _MARRIAGE_MARKER.search(birth)
    if m:
        before = birth[: m.start()].strip()
        after = birth[m.end():].strip()
        # The parts are re-checked against the placeholders (not specified).
        before = "" if _is_placeholder(before) or _is_placeholder(compact(before)) else before
        after = "" if _is_placeholder(after) or _is_placeholder(compact(after)) else after
        birth = before
        if not usage:
            usage = after
    return birth, usage


def normalise_first_names(raw):
    # §1.2: a field that normalises to nothing (empty or a placeholder) has no first name
    if raw is None or normalise(raw) == "":
        return []
    if re.search(r"[,;/]", raw):
        items = re.split(r"[,;/]", raw)
    else:
        items = raw.split()
    out = []
    for it in items:
        n = normalise(it)
        if n:
            out.append(n)
    return out


# ---------------------------------------------------------------------------
# §1.3 Dates
# ---------------------------------------------------------------------------

_TIME_PART = r"(?:[T ][0-9:.]+Z?)?"
DATE_FORMATS = {
    # §1.3: with separators, day and month have one or two digits; YYYYMMDD has exactly eight
    "YYYY-MM-DD": (re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})" + _TIME_PART)),
    "DD/MM/YYYY": re.compile(r"(?P<d>[0-9]{1,2})/(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"),
    "YYYYMMDD": re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})"),
    "DD-MM-YYYY": re.compile(r"(?P<d>[0-9]{1,2})-(?P<m>[0-9]{1,2})-(?P<y>[0-9]{4})"),
    "YYYY-MM": re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})"),
    "MM/YYYY": re.compile(r"(?P<m>[0-9]{1,2})/(?P<y>[0-9]{4})"),
}


def normalise_birth_date(raw, fmt):
    """Return (value 'YYYY-MM-DD' with XX for unknown parts, or None; invalid?)."""
    if raw is None:
        return None, False
    s = raw.strip()
    if s == "":
        return None, False
    rx = DATE_FORMATS.get(fmt)
    if rx is None:
        raise ValueError("unknown date format " + repr(fmt))
    m = rx.fullmatch(s)
    if not m:
        return None, True
    y = int(m.group("y"))
    mm = m.group("m")
    dd = m.groupdict().get("d") or "00"
    if not (1890 <= y <= 2100):
        return None, True
    if mm in ("00", "99"):
        month = None
    elif 1 <= int(mm) <= 12:
        month = int(mm)
    else:
        return None, True
    if dd in ("00", "99") or month is None:
        day = None
    else:
        day = int(dd)
        if not (1 <= day <= calendar.monthrange(y, month)[1]):
            return None, True
    return "%04d-%s-%s" % (
        y,
        "%02d" % month if month else "XX",
        "%02d" % day if day else "XX",
    ), False


# ---------------------------------------------------------------------------
# §1.4 Sex, §1.5 Birth place
# ---------------------------------------------------------------------------

_SEX = {
    "1": "1", "M": "1", "H": "1", "HOMME": "1", "MASCULIN": "1", "MALE": "1",
    "2": "2", "F": "2", "FEMME": "2", "FEMININ": "2", "FEMALE": "2",
}


def normalise_sex(raw):
    """Return (sex '1'/'2' or None; invalid?). Mapping translation is out of scope."""
    if raw is None or raw.strip() == "":
        return None, False
    # Spec says "compared after normalise", but normalise() drops digits, so the
    # codes 1 and 2 could never match: the digits are compared on the trimmed value.
    v = _SEX.get(raw.strip()) if raw.strip() in ("1", "2") else _SEX.get(normalise(raw))
    if v is None:
        return None, True
    return v, False


_COG = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")


def normalise_birth_place(raw):
    """Return (COG code or None; invalid?)."""
    if raw is None:
        return None, False
    s = re.sub(r"\s", "", raw).upper()
    if s == "" or set(s) <= {"0"} or set(s) <= {"X"}:
        return None, False
    if re.fullmatch(r"[0-9]{4}", s):
        s = "0" + s
    if not _COG.fullmatch(s) or s.startswith("00"):
        return None, True
    return s, False


def birth_dept(cog: str) -> str:
    return cog[:3] if cog[:2] in ("97", "98") else cog[:2]


# ---------------------------------------------------------------------------
# Identity normalisation (all of §1)
# ---------------------------------------------------------------------------


def normalise_identity(inp: dict, birth_date_format: str) -> dict:
    nir, nir_class = normalise_nir(inp.get("nir"), parse_flag(inp.get("nir_certified")))
    birth_name, usage_name = normalise_surnames(inp.get("birth_name"), inp.get("usage_name"))
    first_names = normalise_first_names(inp.get("first_names"))
    birth_date, bad_date = normalise_birth_date(inp.get("birth_date"), birth_date_format)
    sex, bad_sex = normalise_sex(inp.get("sex"))
    place, bad_place = normalise_birth_place(inp.get("birth_place"))
    invalid = []
    if bad_date:
        invalid.append("birth_date")
    if bad_sex:
        invalid.append("sex")
    if bad_place:
        invalid.append("birth_place")
    return {
        "nir": nir,
        "nir_class": nir_class,
        "birth_name": birth_name,
        "usage_name": usage_name,
        "first_names": first_names,
        "birth_date": birth_date,
        "sex": sex,
        "birth_place": place,
        "invalid": invalid,
    }


def _date_parts(birth_date):
    """(YYYY, MM or None, DD or None) from a normalised birth date, or (None,)*3."""
    if birth_date is None:
        return None, None, None
    y, m, d = birth_date.split("-")
    return y, (None if m == "XX" else m), (None if d == "XX" else d)


def _full_date(birth_date) -> bool:
    y, m, d = _date_parts(birth_date)
    return y is not None and m is not None and d is not None


# ---------------------------------------------------------------------------
# §3 Pseudonyms
# ---------------------------------------------------------------------------


def nir_pseudonym(keys: Keys, ident: dict):
    if ident["nir_class"] not in ("certified", "unverified", "provisional"):
        return None
    return hmac_sha256(keys.sub["nir"], lp(NIR_DOMAIN) + lp(ident["nir"]))


def identity_key(keys: Keys, ident: dict):
    bn = compact(ident["birth_name"])
    fn = compact(ident["first_names"][0]) if ident["first_names"] else ""
    if not bn or not fn or not _full_date(ident["birth_date"]) or ident["sex"] is None:
        return None
    msg = lp(IDKEY_DOMAIN) + lp(bn) + lp(fn) + lp(ident["birth_date"]) + lp(ident["sex"])
    return hmac_sha256(keys.sub["idkey"], msg)


# ---------------------------------------------------------------------------
# §4 CLK
# ---------------------------------------------------------------------------


def clk_input(ident: dict, extras=()) -> dict:
    """§4 field values, then the §4.3 composite tokens; ``extras`` is [(name, normalised value)] of the §4.1
    extra fields, in mapping order."""
    bn = compact(ident["birth_name"])
    un = compact(ident["usage_name"])
    fns = [compact(f) for f in ident["first_names"]]
    y, m, d = _date_parts(ident["birth_date"])
    place = ident["birth_place"]
    return {
        "birth_name": [bn] if bn else [],
        "usage_name": [un] if un and un != bn else [],
        "first_name": fns[:1],
        "other_first_names": fns[1:],
        "birth_year": [y] if y else [],
        "birth_month": [m] if m else [],
        "birth_day": [d] if d else [],
        "sex": [ident["sex"]] if ident["sex"] else [],
        "birth_place": [place] if place else [],
        "birth_dept": [birth_dept(place)] if place else [],
        **composite_tokens(ident),  # §4.3
        **{EXTRA_PREFIX + n: [v] if v else [] for n, v in extras},
    }


def clk_fields(extra_names=()):
    """§4 fields (§4.3 composite fields included) then §4.1 extra fields (names without `extra/`), in mapping
    order: [(name, tokenizer, k)]."""
    return CLK_FIELDS + [(EXTRA_PREFIX + n, EXTRA_TOKENIZER, EXTRA_K) for n in extra_names]


def bigrams(value: str):
    p = PAD + value + PAD
    return [p[i: i + 2] for i in range(len(p) - 1)]


def field_tokens(tokenizer: str, values):
    toks = set()
    for v in values:
        if tokenizer == "bigrams":
            toks.update(bigrams(v))
        else:
            toks.add(v)
    return toks


def token_positions(keys: Keys, field: str, token: str, k: int, l: int = CLK_BITS):
    key = keys.get("clk/" + field)
    out, digest = [], b""
    for i in range(k):
        if i % 16 == 0:
            digest = hmac_sha256(key, u32be(i // 16) + token.encode("utf-8"))
        j = 2 * (i % 16)
        out.append((256 * digest[j] + digest[j + 1]) % l)
    return out


def clk_bytes(keys: Keys, values: dict, l: int = CLK_BITS, fields=None) -> bytes:
    bits = bytearray(l // 8)
    for field, tokenizer, k in fields or CLK_FIELDS:
        for tok in field_tokens(tokenizer, values.get(field, [])):
            for p in token_positions(keys, field, tok, k, l):
                bits[p // 8] |= 0x80 >> (p % 8)
    return bytes(bits)


def diffusion_taps(keys: Keys, l: int = CLK_BITS, taps: int = DIFFUSION_TAPS, bits: int = DIFFUSION_BITS):
    """§4.2: the taps of output bits 0, 1, … in order, `taps` per bit (a flat list)."""
    key = keys.get("diffusion")
    words = []

    def candidate(n):
        while len(words) <= n:
            d = hmac_sha256(key, u32be(len(words) // 16))
            words.extend(256 * d[2 * i] + d[2 * i + 1] for i in range(16))
        return words[n] % l

    out, n = [], 0
    for _ in range(bits):
        mine = []
        while len(mine) < taps:
            c = candidate(n)
            n += 1
            if c not in mine:
                mine.append(c)
        out.extend(mine)
    return out


def diffuse(filt: bytes, taps_list, taps: int = DIFFUSION_TAPS) -> bytes:
    """§4.2: CLK[j] = XOR of the filter bits at the taps of j; bit order of §4."""
    def bit(p):
        return (filt[p // 8] >> (7 - p % 8)) & 1
    bits_out = len(taps_list) // taps
    out = bytearray(bits_out // 8)
    for j in range(bits_out):
        x = 0
        for p in taps_list[j * taps:(j + 1) * taps]:
            x ^= bit(p)
        if x:
            out[j // 8] |= 0x80 >> (j % 8)
    return bytes(out)


# ---------------------------------------------------------------------------
# §4.3 Composite fields
# ---------------------------------------------------------------------------

_SOUNDEX_CODE = {}
for _letters, _code in (("BFPV", "1"), ("CGJKQSXZ", "2"), ("DT", "3"), ("L", "4"), ("MN", "5"), ("R", "6")):
    for _c in _letters:
        _SOUNDEX_CODE[_c] = _code


def soundex(s: str) -> str:
    """American Soundex of a compact (A–Z only) name."""
    if not s:
        return ""
    out = s[0]
    last = _SOUNDEX_CODE.get(s[0], "")
    for ch in s[1:]:
        if ch in "HW":
            continue  # dropped, does not separate
        code = _SOUNDEX_CODE.get(ch)
        if code is None:  # vowel A E I O U Y: separates, dropped
            last = ""
            continue
        if code != last:
            out += code
        last = code
    return (out + "000")[:4]


def composite_tokens(ident: dict) -> dict:
    """§4.3: the tokens of the four composite fields, parts joined by `|`.

    Each field's tokens are a set (§4); they are listed in order of first appearance
    (birth name before usage name), as the vectors' ``clk_input`` lists them.
    """
    surnames = []
    for n in (ident["birth_name"], ident["usage_name"]):
        c = compact(n)
        if c and c not in surnames:
            surnames.append(c)
    fn = compact(ident["first_names"][0]) if ident["first_names"] else ""
    y, m, d = _date_parts(ident["birth_date"])
    full = y is not None and m is not None and d is not None
    dm = "".join(sorted([d, m])) if full else None
    sex = ident["sex"]
    place = ident["birth_place"]
    parts = {f: [] for f in COMPOSITE_FIELDS}
    if y:
        parts["name_year"] = [[soundex(s), y] for s in surnames]
    if fn and full:
        parts["firstname_dob"] = [[soundex(fn), y, dm]]
    if fn and sex:
        parts["names_sex"] = [[soundex(s), soundex(fn), sex] for s in surnames]
    if full and place:
        parts["dob_place"] = [[y, dm, place]]
    # two surnames with the same Soundex code give one token
    return {f: list(dict.fromkeys("|".join(p) for p in pl)) for f, pl in parts.items()}


# ---------------------------------------------------------------------------
# §7 Manifest canonical bytes (RFC 8785 JSON Canonicalization Scheme)
# ---------------------------------------------------------------------------


def _jcs_string(s: str) -> str:
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _jcs_number(x) -> str:
    """ECMAScript Number.prototype.toString, as RFC 8785 requires."""
    if isinstance(x, int):
        if abs(x) > 2 ** 53:
            x = float(x)
        else:
            return str(x)
    if not math.isfinite(x):
        raise ValueError("JCS: NaN and Infinity are not allowed")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    r = repr(abs(x))  # shortest round-trip digits
    mant, _, exp = r.partition("e")
    ip, _, fp = mant.partition(".")
    digits = (ip + fp).lstrip("0")
    e10 = (int(exp) if exp else 0) + len(ip.lstrip("0") or "") if ip.strip("0") else None
    if e10 is None:  # 0.000ddd
        lead = len(fp) - len(fp.lstrip("0"))
        e10 = (int(exp) if exp else 0) - lead
    digits = digits.rstrip("0") or "0"
    k, n = len(digits), e10  # value = 0.digits * 10^n
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s


def jcs(value) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return _jcs_number(value)
    if isinstance(value, str):
        return _jcs_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(_jcs_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise TypeError("JCS: unsupported type %r" % type(value))


def manifest_signed_bytes(manifest: dict) -> bytes:
    m = {k: v for k, v in manifest.items() if k != "signature"}
    return SIGNATURE_CONTEXT + jcs(m).encode("utf-8")


def manifest_parameters(extra_names=()) -> dict:
    return {
        "clk": {
            "l": CLK_BITS,
            "pad": PAD,
            "fields": [{"name": n, "tokenizer": t, "k": k} for n, t, k in clk_fields(extra_names)],
            "diffusion": {"taps": DIFFUSION_TAPS, "bits": DIFFUSION_BITS},
        },
        "event_date_precision": "month",
    }


# ---------------------------------------------------------------------------
# Hub side (hub-v1.md §6 re-keying, §7 audit log)
# ---------------------------------------------------------------------------

# hub-v1.md §1, "hub-parameters" table.
HUB_KEY_BYTES = 32
HUB_INFO_PREFIX = "ldh-link/1/hub/"
HUB_PURPOSES = ["nir", "idkey"]
AUDIT_CONTEXT = b"ldh-link/1 audit\n"
AUDIT_GENESIS_HASH = "0" * 64

# §7, actions table.
AUDIT_ACTIONS = [
    "hub.initialised", "hub.started", "hub.stopped", "producer.pinned", "producer.repinned",
    "token.created", "token.revoked", "extract.accepted", "extract.duplicate", "extract.refused",
]
AUDIT_OUTCOMES = ["ok", "refused", "error"]
# §7: "`actor` is `token:<id>`, `cli` or `system`"; the id is the 16 hex of §1's token format
# `ldh_<16 hex>_<43 base64url>` (assumed: §7 does not say what <id> is).
_AUDIT_ACTOR = re.compile(r"cli|system|token:[0-9a-f]{16}")
# §7: "`at` is the UTC time in ISO 8601 with milliseconds" (written with a Z: assumed).
_AUDIT_AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
_AUDIT_HASHED_FIELDS = ["seq", "at", "actor", "action", "target", "outcome", "detail", "prev"]


def hub_subkey(k_hub: bytes, purpose: str) -> bytes:
    """§6: K_hub,purpose = HKDF-SHA-256(IKM = K_hub, salt = "ldh-link/1", info = "ldh-link/1/hub/" ‖ purpose, L = 32)."""
    if len(k_hub) != HUB_KEY_BYTES:
        raise ValueError("K_hub must be 32 bytes")
    return hkdf_sha256(k_hub, HKDF_SALT, (HUB_INFO_PREFIX + purpose).encode("utf-8"), 32)


def hmac_pad_blocks(k: bytes):
    """RFC 2104: the key zero-padded to the 64-byte block, XOR 0x36 (ipad) and 0x5c (opad)."""
    if len(k) > 64:
        raise ValueError("keys longer than a block are hashed first (not used by the hub)")
    k = k + bytes(64 - len(k))
    return bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)


def hmac_via_pads(ipad: bytes, opad: bytes, m: bytes) -> bytes:
    """§6, the form computed inside DuckDB: sha256(opad ‖ unhex(sha256(ipad ‖ m)))."""
    return hashlib.sha256(opad + hashlib.sha256(ipad + m).digest()).digest()


def rekey_pseudonym(sub: bytes, p1):
    """§6: nir_p2 = HMAC(K_hub,nir, nir_p1), idkey_p2 = HMAC(K_hub,idkey, idkey); null stays null."""
    if p1 is None:
        return None
    if len(p1) != 32:
        raise ValueError("a pseudonym has 32 bytes")
    return hmac_sha256(sub, p1)


def audit_canonical_json(entry: dict) -> str:
    """§7: JCS({seq, at, actor, action, target, outcome, detail, prev}) — every field but the hash."""
    return jcs({k: entry[k] for k in _AUDIT_HASHED_FIELDS})


def audit_hash(entry: dict) -> str:
    """§7: hash = SHA-256( UTF-8("ldh-link/1 audit\n") ‖ JCS({...}) ), hex."""
    return hashlib.sha256(AUDIT_CONTEXT + audit_canonical_json(entry).encode("utf-8")).hexdigest()


def audit_entry_problems(entry: dict):
    """What §7 says of each field, other than the chain: a list of complaints (empty when none)."""
    out = []
    if sorted(entry) != sorted(_AUDIT_HASHED_FIELDS + ["hash"]):
        out.append("fields are %s" % sorted(entry))
        return out
    if not (isinstance(entry["seq"], int) and entry["seq"] >= 1):
        out.append("seq counts from 1")
    if not (isinstance(entry["at"], str) and _AUDIT_AT.fullmatch(entry["at"])):
        out.append("at is not UTC ISO 8601 with milliseconds")
    if not (isinstance(entry["actor"], str) and _AUDIT_ACTOR.fullmatch(entry["actor"])):
        out.append("actor is not token:<id>, cli or system")
    if entry["action"] not in AUDIT_ACTIONS:
        out.append("action %r is not in the §7 table" % entry["action"])
    if not (entry["target"] is None or isinstance(entry["target"], str)):
        out.append("target is neither a string nor null")
    if entry["outcome"] not in AUDIT_OUTCOMES:
        out.append("outcome is not ok, refused or error")
    d = entry["detail"]
    if not isinstance(d, dict) or any(isinstance(x, (dict, list)) for x in d.values()):
        out.append("detail is not a flat object")
    for k in ("prev", "hash"):
        if not (isinstance(entry[k], str) and re.fullmatch(r"[0-9a-f]{64}", entry[k])):
            out.append("%s is not 64 lower-case hex digits" % k)
    return out


def verify_audit_chain(entries, head=None) -> dict:
    """§7: recompute the chain in the order given and name the first broken entry.

    ``head`` is the recorded (seq, hash), or None when there is none (then a cut
    tail cannot be seen). Returns {"ok": True, "entries", "head", "beyond_head"}
    or {"ok": False, "problem", "seq"}.

    Not in the text: which problem is named when an entry shows several (a deleted
    entry leaves both a seq gap and a wrong prev). The order used here — repeat,
    backwards, hash, gap, link — is the one the vectors' expected results imply.
    Also not in the text: the seq named for a head-mismatch when the head's seq is
    never reached (here: the last seq present, 0 if none).
    """
    prev_hash, prev_seq, n = AUDIT_GENESIS_HASH, 0, 0
    reached = head is None or head["seq"] == 0

    def broken(problem, seq):
        return {"ok": False, "problem": problem, "seq": seq}

    for e in entries:
        n += 1
        seq = e["seq"]
        if seq == prev_seq:
            return broken("sequence-repeat", seq)
        if seq < prev_seq:
            return broken("sequence-order", seq)
        if audit_hash(e) != e["hash"]:
            return broken("edited", seq)
        if seq != prev_seq + 1:
            return broken("sequence-gap", seq)
        if e["prev"] != prev_hash:
            return broken("link-broken", seq)
        if head is not None and seq == head["seq"]:
            if e["hash"] != head["hash"]:
                return broken("head-mismatch", seq)
            reached = True
        prev_hash, prev_seq = e["hash"], seq
    if not reached:
        return broken("head-mismatch", prev_seq)
    return {"ok": True, "entries": n, "head": prev_hash,
            "beyond_head": prev_seq - head["seq"] if head is not None else 0}


# ---------------------------------------------------------------------------
# Conformance check against test-vectors-v3.json
# ---------------------------------------------------------------------------


class Checker:
    def __init__(self):
        self.checks = 0
        self.failures = 0

    def eq(self, where: str, what: str, expected, got):
        self.checks += 1
        if expected != got:
            self.failures += 1
            print("FAIL %s: %s: expected %s, got %s" % (
                where, what,
                json.dumps(expected, ensure_ascii=False),
                json.dumps(got, ensure_ascii=False)))
            return False
        return True

    def fail(self, where: str, msg: str):
        self.checks += 1
        self.failures += 1
        print("FAIL %s: %s" % (where, msg))


_CASE_KEYS = {
    "name", "rule", "input", "birth_date_format", "extra_fields", "normalised", "clk_input",
    "nir_pseudonym", "idkey", "bloom_filter_base64", "bloom_filter_popcount", "clk_base64", "clk_popcount",
}
_INPUT_KEYS = {"nir", "nir_certified", "birth_name", "usage_name", "first_names",
               "birth_date", "sex", "birth_place"}
_TOP_KEYS = {"description", "protocol_version", "normalisation_version", "test_key_hex",
             "key_fingerprint", "subkeys", "clk_parameters", "diffusion_taps", "token_positions", "cases",
             "manifest_signature"}


def _hex_or_none(b):
    return None if b is None else b.hex()


def check_case(c: Checker, keys: Keys, case: dict, taps_list):
    name = case.get("name", "?")
    for k in sorted(set(case) - _CASE_KEYS):
        c.fail(name, "unknown item %r not checked" % k)
    for k in sorted(set(case.get("input", {})) - _INPUT_KEYS):
        c.fail(name, "unknown input field %r" % k)
    ident = normalise_identity(case["input"], case.get("birth_date_format", "YYYY-MM-DD"))

    exp_norm = case["normalised"]
    for k in sorted(set(exp_norm) | set(ident)):
        c.eq(name, "normalised.%s" % k, exp_norm.get(k, "<absent>"), ident.get(k, "<absent>"))

    # §4.1: the case's extra fields, in mapping order
    extras = []
    for i, x in enumerate(case.get("extra_fields", [])):
        where = "%s extra_fields[%d]" % (name, i)
        for k in sorted(set(x) - {"name", "tokenizer", "k", "raw", "normalised", "tokens"}):
            c.fail(where, "unknown item %r not checked" % k)
        field = x["name"]
        ok = field.startswith(EXTRA_PREFIX) and EXTRA_NAME.fullmatch(field[len(EXTRA_PREFIX):]) is not None
        c.eq(where, "name is extra/<name> with <name> matching ^[a-z0-9_]{1,32}$", True, ok)
        c.eq(where, "tokenizer", x["tokenizer"], EXTRA_TOKENIZER)
        c.eq(where, "k", x["k"], EXTRA_K)
        v = normalise_extra(x["raw"])
        c.eq(where, "normalised", x["normalised"], v)
        # a set (§4); the vectors list it in order of first appearance
        c.eq(where, "tokens", x["tokens"], list(dict.fromkeys(bigrams(v))) if v else [])
        extras.append((field[len(EXTRA_PREFIX):], v))
    names = [n for n, _ in extras]
    fields = clk_fields(names)
    if extras:
        # §4.1: what the manifest would list in parameters.clk.fields, after the §4 fields
        c.eq(name, "extra_fields manifest entries",
             [{"name": x["name"], "tokenizer": x["tokenizer"], "k": x["k"]} for x in case["extra_fields"]],
             manifest_parameters(names)["clk"]["fields"][len(CLK_FIELDS):])

    values = clk_input(ident, extras)
    exp_ci = case["clk_input"]
    for k in sorted(set(exp_ci) | set(values)):
        c.eq(name, "clk_input.%s" % k, exp_ci.get(k, "<absent>"), values.get(k, "<absent>"))

    c.eq(name, "nir_pseudonym", case["nir_pseudonym"], _hex_or_none(nir_pseudonym(keys, ident)))
    c.eq(name, "idkey", case["idkey"], _hex_or_none(identity_key(keys, ident)))

    filt = clk_bytes(keys, values, fields=fields)
    c.eq(name, "bloom_filter_base64", case["bloom_filter_base64"], base64.b64encode(filt).decode("ascii"))
    c.eq(name, "bloom_filter_popcount", case["bloom_filter_popcount"], sum(bin(b).count("1") for b in filt))
    clk = diffuse(filt, taps_list)  # §4.2
    c.eq(name, "clk_base64", case["clk_base64"], base64.b64encode(clk).decode("ascii"))
    c.eq(name, "clk_popcount", case["clk_popcount"], sum(bin(b).count("1") for b in clk))


def run_producer(v: dict) -> Checker:
    c = Checker()
    for k in sorted(set(v) - _TOP_KEYS):
        c.fail("file", "unknown top-level item %r not checked" % k)

    c.eq("file", "protocol_version", v["protocol_version"], PROTOCOL_VERSION)
    c.eq("file", "normalisation_version", v["normalisation_version"], NORMALISATION_VERSION)

    k_link = bytes.fromhex(v["test_key_hex"])
    c.eq("file", "test key length", SECRET_BYTES, len(k_link))
    keys = Keys(k_link)

    c.eq("keys", "key_fingerprint", v["key_fingerprint"], key_fingerprint(k_link))
    exp_sub = v["subkeys"]
    # §4.1: the extra fields used by the cases have their subkeys too
    extra_purposes = sorted({"clk/" + x["name"] for case in v["cases"] for x in case.get("extra_fields", [])})
    c.eq("keys", "subkey purposes", sorted(exp_sub), sorted(PURPOSES + extra_purposes))
    for p in PURPOSES + extra_purposes:
        if p in exp_sub:
            c.eq("keys", "subkey %s" % p, exp_sub[p], keys.get(p).hex())

    cp = v["clk_parameters"]
    c.eq("clk_parameters", "l", cp["l"], CLK_BITS)
    c.eq("clk_parameters", "pad", cp["pad"], PAD)
    c.eq("clk_parameters", "fields (name, tokenizer, k)",
         [[f["name"], f["tokenizer"], f["k"]] for f in cp["fields"]],
         [list(t) for t in CLK_FIELDS])
    c.eq("clk_parameters", "diffusion", cp["diffusion"], {"taps": DIFFUSION_TAPS, "bits": DIFFUSION_BITS})

    taps_list = diffusion_taps(keys)
    dt = v["diffusion_taps"]
    c.eq("diffusion_taps", "first_64_bits", dt["first_64_bits"], taps_list[:64 * DIFFUSION_TAPS])
    c.eq("diffusion_taps", "sha256_u16be", dt["sha256_u16be"],
         hashlib.sha256(b"".join(u16be(t) for t in taps_list)).hexdigest())

    ks = {n: k for n, _, k in CLK_FIELDS}
    for tp in v["token_positions"]:
        where = "token_positions %s/%s" % (tp["field"], tp["token"])
        if tp["field"].startswith(EXTRA_PREFIX) and EXTRA_NAME.fullmatch(tp["field"][len(EXTRA_PREFIX):]):
            ks[tp["field"]] = EXTRA_K  # §4.1
        if tp["field"] not in ks:
            c.fail(where, "unknown field")
            continue
        c.eq(where, "positions", tp["positions"], token_positions(keys, tp["field"], tp["token"], ks[tp["field"]]))

    for case in v["cases"]:
        check_case(c, keys, case, taps_list)

    ms = v["manifest_signature"]
    um = ms["unsigned_manifest"]
    signed = manifest_signed_bytes(um)
    c.eq("manifest_signature", "signed_bytes_utf8", ms["signed_bytes_utf8"], signed.decode("utf-8"))
    # §7: "Python's json.dumps(...) gives the same bytes" for this manifest.
    alt = SIGNATURE_CONTEXT + json.dumps(
        {k: x for k, x in um.items() if k != "signature"},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    c.eq("manifest_signature", "json.dumps form equals JCS form", signed.decode("utf-8"), alt.decode("utf-8"))
    c.eq("manifest_signature", "unsigned_manifest has no signature", False, "signature" in um)
    c.eq("manifest_signature", "manifest key_fingerprint", key_fingerprint(k_link), um.get("key_fingerprint"))
    c.eq("manifest_signature", "manifest protocol_version", PROTOCOL_VERSION, um.get("protocol_version"))
    c.eq("manifest_signature", "manifest normalisation_version", NORMALISATION_VERSION,
         um.get("normalisation_version"))
    c.eq("manifest_signature", "manifest parameters", manifest_parameters(), um.get("parameters"))
    pub = bytes.fromhex(ms["signing_public_key_hex"])
    c.eq("manifest_signature", "signing_key_id = hex(SHA-256(public key)[0..8])",
         um.get("signing_key_id"), hashlib.sha256(pub).digest()[:8].hex())
    c.eq("manifest_signature", "signature is 64 bytes (Ed25519 not verified here)", 64,
         len(base64.b64decode(ms["signature_base64"])))
    return c


# ---------------------------------------------------------------------------
# Conformance check against test-vectors-hub-v1.json
# ---------------------------------------------------------------------------

HUB_VECTORS_FORMAT = "ldh-link/test-vectors-hub"
_HUB_TOP_KEYS = {"description", "format", "protocol_version", "test_hub_key_hex", "parameters", "subkeys",
                 "rekey_pseudonyms", "audit_chain", "audit_tamper_cases"}


def _check_audit_report(c: Checker, where: str, expected: dict, got: dict):
    for k in sorted(set(expected) | set(got)):
        c.eq(where, "verify: %s" % k, expected.get(k, "<absent>"), got.get(k, "<absent>"))


def run_hub(v: dict) -> Checker:
    c = Checker()
    for k in sorted(set(v) - _HUB_TOP_KEYS):
        c.fail("file", "unknown top-level item %r not checked" % k)
    c.eq("file", "protocol_version", v["protocol_version"], PROTOCOL_VERSION)

    k_hub = bytes.fromhex(v["test_hub_key_hex"])
    c.eq("file", "test hub key length", HUB_KEY_BYTES, len(k_hub))
    c.eq("file", "test hub key is not all zeros", True, any(k_hub))

    c.eq("parameters", "all", {
        "hkdf_salt": HKDF_SALT.decode("utf-8"),
        "hkdf_info_prefix": HUB_INFO_PREFIX,
        "purposes": HUB_PURPOSES,
        "audit_context": AUDIT_CONTEXT.decode("utf-8"),
        "audit_genesis_hash": AUDIT_GENESIS_HASH,
    }, v["parameters"])

    # §6 subkeys and the pad blocks the hub binds as statement parameters
    sub = {p: hub_subkey(k_hub, p) for p in HUB_PURPOSES}
    pads = {p: hmac_pad_blocks(sub[p]) for p in HUB_PURPOSES}
    c.eq("subkeys", "purposes", sorted(HUB_PURPOSES), sorted(v["subkeys"]))
    for p in HUB_PURPOSES:
        exp = v["subkeys"].get(p, {})
        c.eq("subkeys", "%s key" % p, exp.get("key_hex"), sub[p].hex())
        c.eq("subkeys", "%s ipad" % p, exp.get("ipad_hex"), pads[p][0].hex())
        c.eq("subkeys", "%s opad" % p, exp.get("opad_hex"), pads[p][1].hex())

    # §6 nir_p2 and idkey_p2, by HMAC and by the two-pad form
    for case in v["rekey_pseudonyms"]:
        name = "rekey %s" % case.get("name", "?")
        for purpose, k_in, k_out in (("nir", "nir_p1_hex", "nir_p2_hex"), ("idkey", "idkey_hex", "idkey_p2_hex")):
            raw = None if case[k_in] is None else bytes.fromhex(case[k_in])
            if raw is not None:
                c.eq(name, "%s input is 32 bytes" % k_in, 32, len(raw))
            c.eq(name, k_out, case[k_out], _hex_or_none(rekey_pseudonym(sub[purpose], raw)))
            if raw is not None:
                c.eq(name, "%s by sha256(opad ‖ sha256(ipad ‖ m))" % k_out, case[k_out],
                     hmac_via_pads(pads[purpose][0], pads[purpose][1], raw).hex())

    # §7 the chain: canonical JSON, hashes, links, then verification against the head
    ac = v["audit_chain"]
    entries = [x["entry"] for x in ac["entries"]]
    prev = AUDIT_GENESIS_HASH
    for i, x in enumerate(ac["entries"]):
        e = x["entry"]
        where = "audit entry %d" % (i + 1)
        for msg in audit_entry_problems(e):
            c.fail(where, msg)
        c.eq(where, "seq", i + 1, e["seq"])
        c.eq(where, "canonical_json", x["canonical_json"], audit_canonical_json(e))
        # JCS equals Python's json.dumps(sort_keys, no white space) for these entries (ASCII, integers)
        c.eq(where, "json.dumps form equals JCS form", x["canonical_json"], json.dumps(
            {k: e[k] for k in _AUDIT_HASHED_FIELDS}, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
        c.eq(where, "hash", e["hash"], audit_hash(e))
        c.eq(where, "prev", prev, e["prev"])
        prev = e["hash"]
    c.eq("audit chain", "actors", ["cli", "system", "token"],
         sorted({e["actor"].partition(":")[0] for e in entries}))
    c.eq("audit chain", "head", {"seq": len(entries), "hash": prev}, ac["head"])
    _check_audit_report(c, "audit chain", ac["expected"], verify_audit_chain(entries, ac["head"]))

    # §7 tamper cases: the first broken entry and its problem
    problems = set()
    for t in v["audit_tamper_cases"]:
        where = "tamper %s" % t.get("name", "?")
        _check_audit_report(c, where, t["expected"], verify_audit_chain(t["entries"], t["head"]))
        if not t["expected"]["ok"]:
            problems.add(t["expected"]["problem"])
    c.eq("tamper", "every §7 problem is exercised",
         sorted(["edited", "link-broken", "sequence-gap", "sequence-repeat", "sequence-order", "head-mismatch"]),
         sorted(problems))
    return c


def run(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        v = json.load(f)
    c = run_hub(v) if v.get("format") == HUB_VECTORS_FORMAT else run_producer(v)
    if c.failures:
        print("conformance FAILED failures=%d checks=%d" % (c.failures, c.checks))
        return 1
    print("conformance ok checks=%d" % c.checks)
    return 0


def main(argv):
    if len(argv) != 2:
        print("usage: python3 %s protocols/test-vectors-v3.json | protocols/test-vectors-hub-v1.json"
              % argv[0], file=sys.stderr)
        return 2
    return run(argv[1])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
