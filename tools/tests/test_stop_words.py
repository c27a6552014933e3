"""The Python copy of the pipeline's stop words equals the Java list it mirrors."""

import os
import re

from refam_tools.stop_words import STOP_WORDS

JAVA = os.path.join(os.path.dirname(__file__), "..", "..", "refam-core", "src", "main", "java", "org", "refam",
                    "core", "text", "StopWords.java")


def test_python_stop_words_equal_refam_cores():
    source = open(JAVA, encoding="utf-8").read()
    body = re.search(r"ENGLISH = Set\.of\((.*?)\);", source, re.S).group(1)
    assert STOP_WORDS == frozenset(re.findall(r'"([^"]*)"', body))
