"""Where the project's files are, whatever the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = ROOT / "knowledge"
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
