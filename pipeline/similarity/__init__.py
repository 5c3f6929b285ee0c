"""Copy detection across a corpus, in named stages:
normalise → fingerprint → index → candidates → verify/align → cluster.

``detect(items)`` takes the reports (clean text, unit, year, typos) and returns the verified copy
pairs with aligned passages and the copy rings, with each stage timed and counted in ``stats``.
Pairs are judged copies by passage evidence (rare shared fingerprints inside exact matches), never
by one similarity score; the same unit's reports of different years give ``repeats_last_year``,
a match with a reference text gives ``template_site``.

One module per stage: normalize, fingerprint, index (join and candidates), verify (with align),
cluster; records holds the types; detect runs the stages in order.
"""

from pipeline.similarity.detect import detect, detect_core, own_names, params_of, prepare
from pipeline.similarity.records import Item, Pair, Passage, Result

__all__ = ["Item", "Pair", "Passage", "Result", "detect", "detect_core", "own_names", "params_of", "prepare"]
