#!/usr/bin/env python3
"""Writes the scheme texts embedded in the unit tests to corpus/schemes/.

They are seeds for fuzz_scheme_parser: small, and many are the broken
schemes the parser tests expect errors for, so the fuzzer starts next to
every diagnostic. Run from the repository root after changing tests and
commit the result (the build only copies corpus/schemes/, so it needs no
Python):  fuzz/extract_scheme_snippets.py
"""
import glob
import hashlib
import os
import re

OUT = "corpus/schemes"
# A raw string, or a run of adjacent ordinary literals (one C++ string).
RAW = re.compile(r'R"\((.*?)\)"', re.S)
CHAIN = re.compile(r'"((?:[^"\\\n]|\\.)*)"(?:\s*"((?:[^"\\\n]|\\.)*)")*')
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def unescape(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}.get(m.group(1), m.group(1)), s)


def snippets(src):
    for m in RAW.finditer(src):
        yield m.group(1)
    for m in CHAIN.finditer(RAW.sub("", src)):
        yield "".join(unescape(x) for x in LIT.findall(m.group(0)))


def looks_like_scheme(text):
    return re.search(r"(^|\n)\s*(scheme|extends|op|sub|lock|super|world)\b", text) and "\n" in text.strip()


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*.scheme")):
        os.remove(old)
    seen = set()
    for path in sorted(glob.glob("tests/**/*.cc", recursive=True)):
        stem = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            src = f.read()
        for text in snippets(src):
            if not looks_like_scheme(text) or text in seen:
                continue
            seen.add(text)
            digest = hashlib.sha1(text.encode()).hexdigest()[:10]
            with open(os.path.join(OUT, "%s-%s.scheme" % (stem, digest)), "w", encoding="utf-8") as f:
                f.write(text)
    print("%s: %d snippets" % (OUT, len(seen)))


if __name__ == "__main__":
    main()
