"""okrs-as-code: OKRs as versioned YAML in git."""

__version__ = "0.1.0"
