"""What each 287(g) model lets officers do, in plain language.

Written from ICE's MOA templates (the 2019-2020 JEM and WSO agreements and the 2025
TFM agreements in the project's MOA collection) and ICE's program page. Shown
everywhere a model is shown, so a reader never has to guess what "WSO" means.
"""

from __future__ import annotations

from dataclasses import dataclass

from g287.model.models import MODEL_NAMES


@dataclass(frozen=True)
class Powers:
    model: str
    name: str
    summary: str  # one line
    can: tuple[str, ...]
    cannot: tuple[str, ...]
    where: str  # where the powers are used
    source: str


POWERS: dict[str, Powers] = {
    "TFM": Powers(
        "TFM",
        MODEL_NAMES["TFM"],
        "Officers may question and arrest people for immigration violations during their "
        "routine police work in the field, under ICE supervision.",
        (
            "ask anyone they encounter about their immigration status and right to be in the "
            "United States",
            "arrest without a warrant a person they have reason to believe is removable and "
            "likely to escape before a warrant can be obtained",
            "serve and execute ICE administrative warrants (I-200, I-205)",
            "take and process immigration detainees and prepare charging documents for ICE",
            "transport people in immigration custody to ICE",
        ),
        (
            "act outside ICE's supervision and the terms of the agreement",
            "use immigration powers for purposes other than those ICE sets (ICE sets priorities)",
        ),
        "In the field: traffic stops, patrols and other routine police work, as well as jails.",
        "2025 Task Force Model MOAs (e.g. Kansas Bureau of Investigation, Texas Office of the "
        "Attorney General, Arcadia PD, Laramie County SO), section on authorized functions",
    ),
    "JEM": Powers(
        "JEM",
        MODEL_NAMES["JEM"],
        "Officers screen people already booked into the jail for immigration status and start "
        "their removal.",
        (
            "interview people in the jail about their immigration status",
            "check DHS immigration databases",
            "issue immigration detainers asking the jail to hold someone up to 48 hours past "
            "their release for ICE",
            "serve administrative warrants and start removal paperwork (charging documents)",
            "transport people to ICE custody",
        ),
        ("question or arrest people on the street for immigration violations",),
        "Inside the agency's jail, after someone has been arrested on other charges.",
        "Jail Enforcement Model MOAs (e.g. Florida DOC 2020, Knox County 2020), appendix on "
        "authorized functions",
    ),
    "WSO": Powers(
        "WSO",
        MODEL_NAMES["WSO"],
        "Officers serve and execute ICE administrative warrants on people already in the jail, "
        "so ICE can take custody.",
        (
            "serve and execute ICE administrative warrants (I-200 arrest warrant, I-205 removal "
            "warrant) on people in the agency's jail",
            "hold the person so ICE can take custody",
        ),
        (
            "interview people about their immigration status",
            "investigate immigration violations or issue detainers on their own",
            "make immigration arrests outside the jail",
        ),
        "Inside the agency's jail only.",
        "Warrant Service Officer MOAs (e.g. Suwannee County 2019, Finney County 2020, Palm "
        "Beach County SO 2025)",
    ),
    "TTF": Powers(
        "TTF",
        MODEL_NAMES["TTF"],
        "A task-force variant for tribal agencies that ICE began listing in 2026: field "
        "immigration enforcement like the Task Force Model, on tribal land.",
        ("as the Task Force Model, within the tribe's jurisdiction",),
        ("act outside ICE's supervision and the terms of the agreement",),
        "Tribal lands.",
        "ICE's 2026 lists (no MOA in the project's collection yet)",
    ),
    "JTF": Powers(
        "JTF",
        MODEL_NAMES["JTF"],
        "An older combined agreement (before 2013) with both jail screening and field task-force "
        "powers.",
        ("the powers of the Jail Enforcement Model and of the Task Force Model together",),
        (),
        "Jails and the field.",
        "ICE's pre-2013 roster pages",
    ),
}


def powers(model: str) -> Powers | None:
    return POWERS.get(model)


def summary(model: str) -> str:
    found = POWERS.get(model)
    return found.summary if found else ""
