"""mastermind-kit: peer-advisory mastermind groups kept in plain text and git."""

from __future__ import annotations

__version__ = "0.1.0"
