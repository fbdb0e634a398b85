"""Data shared by the reliability tests (a module, not a test: pytest does not collect it)."""

# 27 respondents in 6 groups answering 3 items on a 1-4 scale, two answers missing.
# R multilevel's values in tests/test_reliability_aggregation.py and R psych's in
# tests/test_reliability_consistency.py were computed on exactly these data.
AGG_CSV = """grp,a,b,c
g1,3,2,3
g1,2,1,2
g1,2,2,2
g2,4,2,1
g2,2,,3
g2,1,3,3
g2,2,2,2
g2,2,2,3
g2,2,3,2
g2,2,1,2
g3,3,4,4
g3,4,3,3
g3,3,4,4
g3,3,4,2
g4,1,1,3
g4,2,1,1
g4,1,1,2
g4,2,1,1
g4,1,2,2
g4,1,1,3
g5,3,2,1
g5,2,3,2
g5,4,2,4
g5,2,3,3
g5,3,3,
g6,1,2,3
g6,4,2,3
"""
