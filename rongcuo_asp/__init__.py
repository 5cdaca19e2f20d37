"""rongcuo-asp: decide, explain and stress-test cadre error-tolerance (容错纠错) cases with clingo."""

__version__ = "0.1.0"
