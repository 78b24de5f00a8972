from __future__ import annotations

from mastermind_kit.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
