"""Regulation rule sets as data, one module per regulation.

Every table is a literal quoted with its source (../shared/reference/regulations.md).
This package imports nothing of the rest of evalkit.
"""
