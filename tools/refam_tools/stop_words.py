"""The pipeline's default stop words for the Python tools that mirror it (the training probe, the end-to-end
PyTorch reference): refam-core's ``org.refam.core.text.StopWords.ENGLISH`` (NLTK's English list minus the location
words). ``tools/tests/test_stop_words.py`` checks that the two lists stay equal."""

STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
its itself they them their theirs themselves what which who whom this that these those am is are was were be been
being have has had having do does did doing a an the and but if or because as until while of at by for with about
against between into through during before after to from again further then once here there when where why how all
any both each few more most other some such no nor not only own same so than too very s t can will just don should
now""".split())
