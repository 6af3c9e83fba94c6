"""Ranking one person's partners, in the order the data flows.

roster.py (everyone as arrays) -> candidates.py (who may pair, and why not) -> features.py (the
pair-feature contract; kernels in similarity.py) -> scorers/ (heuristic, learned) -> rank.py
(top k, `rank_partners`) -> phrases.py (matched phrases) -> explain.py (factors and a sentence;
exclusion reasons in words, EN and FR).
"""
