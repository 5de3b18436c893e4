"""French words as the search engine sees them: folding, splitting and Snowball French stems.

The Python side of src/text/fold.h and src/text/tokenize.h, for the tools that check data the
engine reads (tools/check_lexicon.py). The stemmer is the system's libstemmer through ctypes
when it is installed (the library the engine links), otherwise the port of the Snowball French
algorithm below (snowballstem.org, version 2.x); the port gives the library's stem for each of
the 31,833 distinct words of the lexicon, of the commune names and of data/standard/FIELDS.md.
Standard library only.
"""

import ctypes
import ctypes.util
import unicodedata

# The engine's French stop words (src/text/tokenize.cpp, kStopWords), folded.
STOP_WORDS = set("""
a au aux avec c ce ces d dans de des du elle en et eux il j je l la le les leur lui m ma mais me
mes moi mon n ne nos notre nous on ou par pas pour qu que qui s sa se ses son sur t ta te tes toi
ton tu un une vos votre vous y""".split())


def fold(text):
    """Case- and accent-insensitive form, as text::fold."""
    text = unicodedata.normalize("NFD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def words(text):
    """The words of `text` as the engine splits them (on every character that is neither a
    letter nor a digit), lower-cased with their accents."""
    out, current = [], []
    for c in unicodedata.normalize("NFC", text):
        if c.isalnum() or unicodedata.combining(c):
            current.append(c)
        elif current:
            out.append("".join(current))
            current = []
    if current:
        out.append("".join(current))
    return [w.lower() for w in out]


def fold_key(text):
    """"Saint-Étienne (Loire)" -> "saint etienne loire", as text::fold_key."""
    return " ".join(fold(w) for w in words(text))


class _LibStemmer:
    """The system's libstemmer (the library the engine links), through ctypes."""

    def __init__(self):
        name = ctypes.util.find_library("stemmer")
        self.lib = ctypes.CDLL(name or "libstemmer.so.0d")
        self.lib.sb_stemmer_new.restype = ctypes.c_void_p
        self.lib.sb_stemmer_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        self.lib.sb_stemmer_stem.restype = ctypes.POINTER(ctypes.c_ubyte)
        self.lib.sb_stemmer_stem.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.lib.sb_stemmer_length.restype = ctypes.c_int
        self.lib.sb_stemmer_length.argtypes = [ctypes.c_void_p]
        self.stemmer = self.lib.sb_stemmer_new(b"french", b"UTF_8")
        if not self.stemmer:
            raise OSError("no French stemmer in libstemmer")

    def stem(self, word):
        data = word.encode("utf-8")
        out = self.lib.sb_stemmer_stem(self.stemmer, data, len(data))
        n = self.lib.sb_stemmer_length(self.stemmer)
        return bytes(out[:n]).decode("utf-8")


_VOWELS = set("aeiouyâàëéêèïîôûù")
_KEEP_WITH_S = set("aiouès")


def _suffix(w, suffixes, start=0):
    """The longest of `suffixes` that ends `w` and begins at or after `start`, or None."""
    for s in sorted(suffixes, key=len, reverse=True):
        if w.endswith(s) and len(w) - len(s) >= start:
            return s
    return None


def snowball_french(word):
    """Port of the Snowball French stemmer (snowballstem.org, version 2.x) on a lower-cased word."""
    w = list(word)
    # Prelude: u, i between vowels, y next to a vowel, u after q become non-vowels; ë, ï -> He, Hi.
    out = []
    n = len(w)
    for i, c in enumerate(w):
        prev = out[-1] if out else ""
        nxt = w[i + 1] if i + 1 < n else ""
        if c in "ui" and prev in _VOWELS and prev and nxt in _VOWELS and nxt:
            out.append(c.upper())
        elif c == "y" and ((prev and prev in _VOWELS) or (nxt and nxt in _VOWELS)):
            out.append("Y")
        elif c == "u" and prev == "q":
            out.append("U")
        elif c == "ë":
            out.extend(["H", "e"])
        elif c == "ï":
            out.extend(["H", "i"])
        else:
            out.append(c)
    w = "".join(out)

    def is_v(c):
        return c in _VOWELS

    n = len(w)
    # Regions.
    pv = n
    if n >= 2 and is_v(w[0]) and is_v(w[1]):
        pv = min(3, n)
    elif w[:3] in ("par", "col", "tap"):
        pv = 3
    else:
        for k in range(1, n):
            if is_v(w[k]):
                pv = k + 1
                break

    def region_after(start):
        # gopast v: just past the next vowel; gopast non-v: just past the next non-vowel.
        k = start
        while k < n and not is_v(w[k]):
            k += 1
        if k >= n:
            return n
        k += 1
        while k < n and is_v(w[k]):
            k += 1
        if k >= n:
            return n
        return k + 1

    p1 = region_after(0)
    p2 = region_after(p1)

    def step1(w):
        """Returns (word, succeeded)."""
        groups = [
            (("ance", "iqUe", "isme", "able", "iste", "eux", "ances", "iqUes", "ismes", "ables",
              "istes"), "a"),
            (("atrice", "ateur", "ation", "atrices", "ateurs", "ations"), "b"),
            (("logie", "logies"), "c"),
            (("usion", "ution", "usions", "utions"), "d"),
            (("ence", "ences"), "e"),
            (("ement", "ements"), "f"),
            (("ité", "ités"), "g"),
            (("if", "ive", "ifs", "ives"), "h"),
            (("eaux",), "i"),
            (("aux",), "j"),
            (("euse", "euses"), "k"),
            (("issement", "issements"), "l"),
            (("amment",), "m"),
            (("emment",), "n"),
            (("ment", "ments"), "o"),
        ]
        table = {s: g for ss, g in groups for s in ss}
        s = _suffix(w, table)
        if s is None:
            return w, False
        g = table[s]
        at = len(w) - len(s)
        if g == "a":
            return (w[:at], True) if at >= p2 else (w, False)
        if g == "b":
            if at < p2:
                return w, False
            w = w[:at]
            if w.endswith("ic"):
                w = w[:-2] if len(w) - 2 >= p2 else w[:-2] + "iqU"
            return w, True
        if g == "c":
            return (w[:at] + "log", True) if at >= p2 else (w, False)
        if g == "d":
            return (w[:at] + "u", True) if at >= p2 else (w, False)
        if g == "e":
            return (w[:at] + "ent", True) if at >= p2 else (w, False)
        if g == "f":
            if at < pv:
                return w, False
            w = w[:at]
            t = _suffix(w, ("iv", "eus", "abl", "iqU", "ièr", "Ièr"))
            if t:
                a2 = len(w) - len(t)
                if t == "iv":
                    if a2 >= p2:
                        w = w[:a2]
                        if w.endswith("at") and len(w) - 2 >= p2:
                            w = w[:-2]
                elif t == "eus":
                    if a2 >= p2:
                        w = w[:a2]
                    elif a2 >= p1:
                        w = w[:a2] + "eux"
                elif t in ("abl", "iqU"):
                    if a2 >= p2:
                        w = w[:a2]
                elif a2 >= pv:
                    w = w[:a2] + "i"
            return w, True
        if g == "g":
            if at < p2:
                return w, False
            w = w[:at]
            t = _suffix(w, ("abil", "ic", "iv"))
            if t:
                a2 = len(w) - len(t)
                if t == "abil":
                    w = w[:a2] if a2 >= p2 else w[:a2] + "abl"
                elif t == "ic":
                    w = w[:a2] if a2 >= p2 else w[:a2] + "iqU"
                elif a2 >= p2:
                    w = w[:a2]
            return w, True
        if g == "h":
            if at < p2:
                return w, False
            w = w[:at]
            if w.endswith("at") and len(w) - 2 >= p2:
                w = w[:-2]
                if w.endswith("ic"):
                    w = w[:-2] if len(w) - 2 >= p2 else w[:-2] + "iqU"
            return w, True
        if g == "i":
            return w[:at] + "eau", True
        if g == "j":
            return (w[:at] + "al", True) if at >= p1 else (w, False)
        if g == "k":
            if at >= p2:
                return w[:at], True
            if at >= p1:
                return w[:at] + "eux", True
            return w, False
        if g == "l":
            if at >= p1 and at >= 1 and not is_v(w[at - 1]):
                return w[:at], True
            return w, False
        if g == "m":
            if at >= pv:
                return w[:at] + "ant", None  # altered, then the verb steps run
            return w, False
        if g == "n":
            if at >= pv:
                return w[:at] + "ent", None
            return w, False
        if g == "o":
            if at >= 1 and is_v(w[at - 1]) and at - 1 >= pv:
                return w[:at], None
            return w, False
        return w, False

    def i_verb(w):
        s = _suffix(w, ("îmes", "ît", "îtes", "i", "ie", "ies", "ir", "ira", "irai", "iraIent",
                        "irais", "irait", "iras", "irent", "irez", "iriez", "irions", "irons",
                        "iront", "is", "issaIent", "issais", "issait", "issant", "issante",
                        "issantes", "issants", "isse", "issent", "isses", "issez", "issiez",
                        "issions", "issons", "it"), pv)
        if s is None:
            return w, False
        at = len(w) - len(s)
        if at - 1 >= pv and not is_v(w[at - 1]) and w[at - 1] != "H":
            return w[:at], True
        return w, False

    def verb(w):
        s = _suffix(w, ("ions", "é", "ée", "ées", "és", "èrent", "er", "era", "erai", "eraIent",
                        "erais", "erait", "eras", "erez", "eriez", "erions", "erons", "eront",
                        "ez", "iez", "âmes", "ât", "âtes", "a", "ai", "aIent", "ais", "ait",
                        "ant", "ante", "antes", "ants", "as", "asse", "assent", "asses",
                        "assiez", "assions"), pv)
        if s is None:
            return w, False
        at = len(w) - len(s)
        if s == "ions":
            return (w[:at], True) if at >= p2 else (w, False)
        if s in ("âmes", "ât", "âtes", "a", "ai", "aIent", "ais", "ait", "ant", "ante", "antes",
                 "ants", "as", "asse", "assent", "asses", "assiez", "assions"):
            w = w[:at]
            if w.endswith("e") and len(w) - 1 >= pv:
                w = w[:-1]
            return w, True
        return w[:at], True

    def residual(w):
        if w.endswith("s") and len(w) >= 2 and (w.endswith("His") or w[-2] not in _KEEP_WITH_S):
            w = w[:-1]
        s = _suffix(w, ("ion", "ier", "ière", "Ier", "Ière", "e", "ë"), pv)
        if s is None:
            return w
        at = len(w) - len(s)
        if s == "ion":
            if at >= p2 and at - 1 >= pv and w[at - 1] in "st":
                return w[:at]
            return w
        if s in ("ier", "ière", "Ier", "Ière"):
            return w[:at] + "i"
        if s == "e":
            return w[:at]
        if s == "ë" and w[:at].endswith("gu"):
            return w[:at]
        return w

    w1, ok = step1(w)
    done = False
    if ok:
        w = w1
        done = True
    else:
        if ok is None:  # -ment endings: removed, then the verb steps
            w = w1
        w2, ok2 = i_verb(w)
        if not ok2:
            w2, ok2 = verb(w)
        if ok2:
            w = w2
            done = True
    if done:
        if w.endswith("Y"):
            w = w[:-1] + "i"
        elif w.endswith("ç"):
            w = w[:-1] + "c"
    else:
        w = residual(w)
    for d in ("enn", "onn", "ett", "ell", "eill"):
        if w.endswith(d):
            w = w[:-1]
            break
    k = len(w)
    while k > 0 and not is_v(w[k - 1]):
        k -= 1
    if k < len(w) and k > 0 and w[k - 1] in "éè":
        w = w[:k - 1] + "e" + w[k:]
    w = w.replace("He", "ë").replace("Hi", "ï").replace("H", "")
    return w.replace("I", "i").replace("U", "u").replace("Y", "y")


try:
    _LIB = _LibStemmer()
except (OSError, AttributeError):
    _LIB = None


def stem(word):
    """The folded stem of one lower-cased word, as text::stem_word."""
    return fold(_LIB.stem(word) if _LIB else snowball_french(word))


class Token:
    """One word as text::Token: folded form, folded stem (the folded form for a stop word)."""
    __slots__ = ("folded", "stem", "stop_word")

    def __init__(self, word):
        self.folded = fold(word)
        self.stop_word = self.folded in STOP_WORDS
        self.stem = self.folded if self.stop_word else stem(word)


def tokenize(text):
    return [Token(w) for w in words(text)]
