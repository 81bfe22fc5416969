"""The channel learns of a failure Rasa swallowed by watching two of its loggers
(bot/rasa/failure_watch.py). These tests fail when Rasa's wording or loggers change."""

from __future__ import annotations

import inspect
import logging

import rasa.core.processor
import rasa.core.tracker_store

from bot.rasa import failure_watch


def test_rasa_still_logs_a_failed_action_in_the_words_the_watch_matches():
    source = inspect.getsource(rasa.core.processor)
    assert f'f"{failure_watch.ACTION_FAILED}{{action.name()}}' in source
    assert rasa.core.processor.logger.name == failure_watch.PROCESSOR_LOGGER
    assert rasa.core.tracker_store.logger.name == failure_watch.TRACKER_STORE_LOGGER


def test_a_failed_action_and_a_tracker_store_error_count_other_processor_errors_do_not():
    failure_watch.install()
    processor = logging.getLogger(failure_watch.PROCESSOR_LOGGER)
    with failure_watch.watching() as failures:
        processor.error("Something else went wrong.")
        assert failures == []
        processor.error(f"{failure_watch.ACTION_FAILED}action_triage'. Bot will continue.")
        logging.getLogger(failure_watch.TRACKER_STORE_LOGGER).error("Error happened when trying to save")
    assert failures == [failure_watch.PROCESSOR_LOGGER, failure_watch.TRACKER_STORE_LOGGER]


def test_nothing_is_noted_outside_a_watched_message():
    failure_watch.install()
    with failure_watch.watching() as failures:
        pass
    logging.getLogger(failure_watch.PROCESSOR_LOGGER).error(f"{failure_watch.ACTION_FAILED}x'.")
    assert failures == []
