"""Figures of the study: seaborn/matplotlib functions that take tidy data and return a Figure."""
