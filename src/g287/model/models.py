"""ICE's 287(g) models: the code each list prints in SUPPORT TYPE, and its name.

JEM, WSO and TFM are the three models ICE runs; TTF (tribal task force) and JTF (jail and
task force in one agreement) are rare codes that appear on a few lists.
"""

from __future__ import annotations

MODEL_NAMES: dict[str, str] = {
    "JEM": "Jail Enforcement Model",
    "WSO": "Warrant Service Officer",
    "TFM": "Task Force Model",
    "TTF": "Tribal Task Force Model",
    "JTF": "Jail & Task Force",
}
