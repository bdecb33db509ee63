"""Suites: built-in YAMLs load and validate; bad suites fail with one-line typed errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from imbench.core.errors import ConfigError, ImbenchError, UnknownNameError
from imbench.evaluation.suites import Suite, builtin_suites, load_suite, parse_suite

BUILTIN = ("quick", "keel", "ir_ladder", "imblearn27", "climb", "calibration")


def base(**changes: Any) -> dict[str, Any]:
    """A valid tiny suite mapping with ``changes`` applied (``...`` removes a key)."""
    d: dict[str, Any] = {
        "name": "tiny",
        "description": "two synthetic datasets",
        "datasets": ["synthetic:ir=10,n=300", "synthetic:ir=30,n=600"],
        "strategies": ["none", "smote", "class_weight", "threshold"],
        "models": ["logreg"],
        "protocol": {"outer_folds": 2, "inner_folds": 2, "n_trials": 2, "seed": 0},
    }
    d.update(changes)
    return {k: v for k, v in d.items() if v is not ...}


def one_line_error(exc_type: type[Exception], data: Any) -> str:
    with pytest.raises(exc_type) as info:
        parse_suite(data, where="tiny.yaml")
    msg = str(info.value)
    assert isinstance(info.value, ImbenchError)
    assert msg and "\n" not in msg, msg
    assert "Traceback" not in msg
    return msg


# --- built-in suites --------------------------------------------------------------------------


def test_builtin_suites_are_all_found() -> None:
    assert set(BUILTIN) <= set(builtin_suites())


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_suite_loads_and_validates(name: str) -> None:
    s = load_suite(name)
    assert isinstance(s, Suite)
    assert s.name == name
    assert s.datasets and s.strategies and s.models
    assert s.strategies[0] == "none"  # the baseline always runs, first
    assert all(":" in d.spec for d in s.datasets)
    assert s.protocol.n_outer >= 2
    # the file and the resolved config agree, and loading by path gives the same suite
    assert load_suite(str(builtin_suites()[name])).config_hash() == s.config_hash()


def test_quick_suite_spans_ir_headline_strategies_and_models() -> None:
    from imbench.datasets import load_dataset
    from imbench.strategies import HEADLINE

    s = load_suite("quick")
    assert len(s.datasets) >= 3
    assert set(HEADLINE) <= set(s.strategies)
    assert len(s.models) >= 2
    irs = [load_dataset(d.spec, **dict(d.options)).meta()["ir"] for d in s.datasets]
    assert min(irs) <= 12, irs
    assert max(irs) >= 100, irs


def test_parse_normalises_baseline_first() -> None:
    s = parse_suite(base(strategies=["smote", "threshold"]))
    assert s.strategies[0] == "none"
    assert set(s.strategies) == {"none", "smote", "threshold"}
    assert s.protocol.outer_folds == 2 and s.protocol.n_trials == 2


def test_load_suite_from_yaml_file(tmp_path: Path) -> None:
    p = tmp_path / "mine.yaml"
    p.write_text(yaml.safe_dump(base(name=...)))
    s = load_suite(str(p))
    assert s.name == "mine"  # the file stem when the YAML has no name
    assert [d.spec for d in s.datasets] == ["synthetic:ir=10,n=300", "synthetic:ir=30,n=600"]


def test_dataset_mapping_keeps_options() -> None:
    s = parse_suite(base(datasets=[{"spec": "file:data.csv", "target": "y", "positive": "yes"}]))
    assert s.datasets[0].spec == "file:data.csv"
    assert dict(s.datasets[0].options) == {"target": "y", "positive": "yes"}
    assert s.config()["datasets"] == [{"spec": "file:data.csv", "positive": "yes", "target": "y"}]


# --- validation errors ------------------------------------------------------------------------


def test_unknown_strategy_lists_known_names() -> None:
    msg = one_line_error(UnknownNameError, base(strategies=["none", "smoet"]))
    assert "smoet" in msg and "tiny.yaml" in msg
    for known in ("smote", "adasyn", "class_weight", "threshold"):
        assert known in msg


def test_unknown_model_lists_known_names() -> None:
    msg = one_line_error(UnknownNameError, base(models=["logreg", "svm"]))
    assert "svm" in msg and "logreg" in msg and "lightgbm" in msg


def test_unknown_top_level_key() -> None:
    msg = one_line_error(ConfigError, base(stratgies=["none"]))
    assert "stratgies" in msg and "strategies" in msg


def test_unknown_protocol_key() -> None:
    msg = one_line_error(ConfigError, base(protocol={"outer_folds": 2, "n_trails": 3}))
    assert "n_trails" in msg and "n_trials" in msg


@pytest.mark.parametrize(
    "protocol",
    [
        {"outer_folds": "three"},
        {"outer_folds": 2.5},
        {"n_trials": 2.5},
        {"outer_folds": True},
        {"seed": "abc"},
        {"timeout_per_cell": "soon"},
        {"cost_fn": "high"},
        {"metric": 5},
        {"fast": "no"},
        {"fast": 0},
    ],
)
def test_bad_protocol_types(protocol: dict[str, Any]) -> None:
    msg = one_line_error(ImbenchError, base(protocol=protocol))
    assert next(iter(protocol)) in msg or "metric" in msg


@pytest.mark.parametrize("protocol", [{"outer_folds": 1}, {"n_trials": 0}, {"timeout_per_cell": -1}])
def test_bad_protocol_values(protocol: dict[str, Any]) -> None:
    one_line_error(ConfigError, base(protocol=protocol))


def test_protocol_sets_the_fast_switch_and_pruner() -> None:
    s = parse_suite(base(protocol={"fast": False, "pruner": "halving"}))
    assert s.protocol.fast is False and s.protocol.pruner == "halving"


def test_protocol_accepts_int_for_float_fields() -> None:
    s = parse_suite(base(protocol={"timeout_per_cell": 60, "cost_fn": 5, "outer_folds": 2}))
    assert s.protocol.timeout_per_cell == 60 and s.protocol.cost_fn == 5


@pytest.mark.parametrize(
    "changes",
    [
        {"strategies": "smote"},  # not a list
        {"models": []},  # empty
        {"datasets": ...},  # missing
        {"datasets": []},
        {"datasets": [5]},
        {"protocol": [1, 2]},
    ],
)
def test_bad_types_and_missing_lists(changes: dict[str, Any]) -> None:
    one_line_error(ConfigError, base(**changes))


def test_suite_must_be_a_mapping() -> None:
    one_line_error(ConfigError, ["synthetic:ir=10"])


def test_dataset_without_prefix() -> None:
    msg = one_line_error(ConfigError, base(datasets=["ecoli4"]))
    assert "ecoli4" in msg and "prefix" in msg


def test_unknown_dataset_source_lists_known() -> None:
    msg = one_line_error(UnknownNameError, base(datasets=["nosuch:x"]))
    assert "nosuch" in msg and "synthetic" in msg and "keel" in msg


def test_two_components_of_one_family() -> None:
    msg = one_line_error(ConfigError, base(strategies=["none", "smote+adasyn"]))
    assert "smote" in msg and "adasyn" in msg


def test_invalid_yaml_is_one_line_config_error(tmp_path: Path) -> None:
    p = tmp_path / "broken.yaml"
    p.write_text("name: x\ndatasets: [synthetic:ir=10\nstrategies: {none\n")
    with pytest.raises(ConfigError) as info:
        load_suite(str(p))
    assert "\n" not in str(info.value) and "invalid YAML" in str(info.value)


def test_unknown_suite_name_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError) as info:
        load_suite("nosuch")
    assert "quick" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConfigError):
        load_suite(str(tmp_path / "absent.yaml"))


# --- overrides and hashing --------------------------------------------------------------------


def test_with_overrides() -> None:
    s = parse_suite(base())
    o = s.with_overrides(
        strategies=["smote"],
        models=["lightgbm"],
        datasets=["keel:ecoli4"],
        n_trials=5,
        outer_folds=3,
        seed=7,
        timeout_per_cell=None,
    )
    assert o.strategies == ("none", "smote")
    assert o.models == ("lightgbm",)
    assert [d.spec for d in o.datasets] == ["keel:ecoli4"]
    assert (o.protocol.n_trials, o.protocol.outer_folds, o.protocol.seed) == (5, 3, 7)
    assert o.protocol.inner_folds == s.protocol.inner_folds  # untouched values are kept
    assert s.protocol.n_trials == 2  # the original is unchanged
    assert s.with_overrides() == s


def test_with_overrides_validates() -> None:
    s = parse_suite(base())
    with pytest.raises(UnknownNameError):
        s.with_overrides(strategies=["nope"])
    with pytest.raises(UnknownNameError):
        s.with_overrides(models=["nope"])
    with pytest.raises(ConfigError):
        s.with_overrides(outer_folds=1)
    with pytest.raises(ConfigError):
        s.with_overrides(datasets=["ecoli4"])


def test_config_hash_tracks_results_not_description() -> None:
    s = parse_suite(base())
    assert parse_suite(base()).config_hash() == s.config_hash()  # deterministic
    assert parse_suite(base(description="other words")).config_hash() == s.config_hash()
    assert s.with_overrides(n_trials=3).config_hash() != s.config_hash()
    assert s.with_overrides(seed=1).config_hash() != s.config_hash()
    assert parse_suite(base(protocol={"outer_folds": 3})).config_hash() != s.config_hash()
    assert s.with_overrides(models=["lightgbm"]).config_hash() != s.config_hash()
    assert s.with_overrides(datasets=["synthetic:ir=10,n=300"]).config_hash() != s.config_hash()
