"""Claim checks against the real history: agree, disagree, cannot tell, with evidence."""

import json

import pytest
from click.testing import CliRunner

from g287.errors import InputError
from g287.interfaces.cli import cli
from g287.query.claims import Claim, check, load_claims


@pytest.fixture
def env(shared_history):
    return {
        "G287_DATA_DIR": str(shared_history.archive.root.parent),
        "G287_DATABASE_URL": shared_history.db.url,
    }


def test_domain_claims(env):
    result = CliRunner().invoke(cli, ["claim", "--domain", "--json"], env=env)
    assert result.exit_code == 0, result.stderr
    verdicts = {r["statement"]: r for r in json.loads(result.stdout)}
    first = verdicts["571 participating rows on ICE's list of 16 May 2025"]
    assert (first["verdict"], first["value"]) == ("agree", 571)
    assert first["evidence"][0]["file_name"] == "participatingAgencies05162025am.xlsx"
    assert first["evidence"][0]["sha256"].startswith("46f827da806f")
    assert verdicts["45 agreements signed in 2019 (still active in 2025)"]["verdict"] == "agree"
    assert verdicts["90 agreements signed in 2020 (still active in 2025)"]["verdict"] == "agree"
    assert verdicts["agreements in 40 states on 16 May 2025"]["verdict"] == "agree"
    waiting = verdicts["958 agreements on 2 September 2025"]
    assert waiting["verdict"] == "cannot_tell" and "more than 7 days" in waiting["explanation"]
    assert verdicts["about 135 agreements in January 2025"]["verdict"] == "cannot_tell"


def test_disagree_and_share_and_growth(shared_history):
    with shared_history.db.connect() as conn:
        wrong = check(
            conn, Claim("600 on 16 May", "active_agreements", {"as_of": "2025-05-16"}, 600)
        )
        share = check(
            conn,
            Claim(
                "TFM share",
                "model_share",
                {"as_of": "2025-07-07", "model": "TFM"},
                49.7,
                tolerance=0.1,
            ),
        )
        growth = check(
            conn, Claim("growth", "growth", {"from": "2025-05-16", "to": "2025-07-07"}, 205)
        )
    assert (wrong.verdict, wrong.value) == ("disagree", 571)
    assert share.verdict == "agree" and share.value == pytest.approx(49.7, abs=0.1)
    assert growth.verdict == "agree" and len(growth.evidence) == 2


def test_single_claim_from_the_command_line(env):
    result = CliRunner().invoke(
        cli,
        [
            "claim",
            "active_agreements",
            "--as-of",
            "2025-06-01",
            "--model",
            "TFM",
            "--expected",
            "307",
        ],
        env=env,
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("AGREE")


@pytest.mark.parametrize("as_json", [False, True])
def test_a_claim_that_disagrees_exits_1(env, as_json):
    args = ["claim", "active_agreements", "--as-of", "2025-05-16", "--expected", "600"]
    result = CliRunner().invoke(cli, args + (["--json"] if as_json else []), env=env)
    assert result.exit_code == 1
    assert ("DISAGREE" in result.stdout) or ('"disagree"' in result.stdout)


def test_bad_claims_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("claims:\n  - statement: x\n    query: nonsense\n")
    with pytest.raises(InputError, match=r"claim 1: unknown query 'nonsense'"):
        load_claims(path)
