"""scripts/calibrate.py's pieces that need no simulation: the split-conformal quantile behind
calibration.model_error and the writing of fitted values into a config (the fit itself runs
hundreds of simulations and is exercised by hand: docs/validation.md)."""

import importlib.util
import math
import shutil

from conftest import src

spec = importlib.util.spec_from_file_location("calibrate", src("scripts", "calibrate.py"))
calibrate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(calibrate)


def test_conformal_quantile_is_the_ceil_n_plus_one_level_th_smallest():
    errs = [math.log(1 + e) for e in (0.01, -0.02, 0.03, -0.04, 0.05, 0.06, -0.07, 0.08, 0.09, -0.10, 0.11)]
    # n = 11: ceil(12 x 0.9) = 11, the largest |log error|: -10% (0.105) beyond +11% (0.104).
    assert calibrate.conformal(errs) == abs(math.log(0.90))
    # n = 19: ceil(20 x 0.9) = 18, the second largest.
    nineteen = [0.01 * i for i in range(1, 20)]
    assert abs(calibrate.conformal(nineteen) - 0.18) < 1e-12
    # Signs do not matter, only magnitudes.
    assert calibrate.conformal([-x for x in nineteen]) == calibrate.conformal(nineteen)


def test_conformal_needs_nine_errors_for_ninety_percent():
    assert calibrate.conformal([0.1] * 8) is None
    assert calibrate.conformal([0.1] * 9) == 0.1
    assert calibrate.conformal([0.2] * 3, level=0.5) == 0.2  # ceil(4 x 0.5) = 2 <= 3


def test_write_value_replaces_one_calibration_value(tmp_path):
    path = tmp_path / "cs2.yaml"
    shutil.copy(src("configs", "cs2.yaml"), path)
    calibrate.write_value(str(path), "model_error", "0.123")
    calibrate.write_value(str(path), "step_overhead", "0.05 s")
    text = path.read_text()
    assert "\n  model_error: 0.123 " in text
    assert "\n  step_overhead: 0.05 s " in text
    assert text.count("model_error:") == 1


def _grid(errors):
    """A grid as calibrate.main builds it, from {(eff, overhead): {case: relative error}}: every
    grid point gets every case, at +100% where `errors` does not say (far from any fit)."""
    cases = sorted({n for errs in errors.values() for n in errs})
    return [((e, o), {n: math.log(1 + errors.get((e, o), {}).get(n, 1.0)) for n in cases})
            for e in calibrate.EFFICIENCIES for o in calibrate.OVERHEADS]


def test_fit_gives_each_system_config_its_own_step_overhead():
    # Two CS-2 cases exact at 80 ms, two CS-3 cases exact at 170 ms (at efficiency 1.0): the fit
    # takes each system's own overhead, not one value between them.
    system_of = {"a": "cs2", "b": "cs2", "c": "cs3", "d": "cs3"}
    grid = _grid({(1.0, 0.08): {"a": 0.0, "b": 0.0, "c": 0.3, "d": 0.3},
                  (1.0, 0.17): {"a": -0.3, "b": -0.3, "c": 0.0, "d": 0.0}})
    fitted = calibrate.fit(grid, ["a", "b", "c", "d"], system_of)
    assert fitted == {"eff": 1.0, "overhead": {"cs2": 0.08, "cs3": 0.17}}
    assert calibrate.error_at(dict(grid), fitted, system_of, "c") == 0.0
    # One joint value would have left every case 30% off at either overhead.
    assert abs(math.exp(dict(grid)[(1.0, 0.08)]["c"]) - 1.3) < 1e-12


def test_fit_of_a_system_without_fitted_cases_is_the_best_over_all_of_them():
    # Leaving the only CS-3 case out: its system gets the overhead that fits the rest best.
    system_of = {"a": "cs2", "b": "cs2", "c": "cs3"}
    grid = _grid({(1.0, 0.08): {"a": 0.0, "b": 0.0, "c": 0.3},
                  (1.0, 0.17): {"a": -0.3, "b": -0.3, "c": 0.0}})
    fitted = calibrate.fit(grid, ["a", "b"], system_of)
    assert fitted == {"eff": 1.0, "overhead": {"cs2": 0.08, "cs3": 0.08}}
    assert abs(math.exp(calibrate.error_at(dict(grid), fitted, system_of, "c")) - 1.3) < 1e-12


def test_system_of_cases_reads_each_case_s_system_argument():
    got = calibrate.system_of_cases({"x": ["run", "--system", "configs/cs3.yaml", "--batch", "8"],
                                     "y": ["run", "--batch", "8"]})
    assert got["x"].endswith("configs/cs3.yaml")
    assert got["y"] == "(default)"
