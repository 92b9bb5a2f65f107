"""keras.utils carries keras.config's interactive-logging switches (Keras 3 exports both)."""

from numkeras import config, utils


def test_utils_logging_switches_are_configs():
    try:
        utils.disable_interactive_logging()
        assert utils.is_interactive_logging_enabled() is False
        assert config.is_interactive_logging_enabled() is False
    finally:
        utils.enable_interactive_logging()
    assert utils.is_interactive_logging_enabled() is True
    assert "disable_interactive_logging" in utils.__all__
