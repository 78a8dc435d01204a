"""Retries, backoff, timeouts and error mapping against the emulator's fault script.

Every scenario is a script entry the emulator plays (``{"status": 503}``, ``{"drop": true}``,
``{"stream_error_after": 2}``, ...); attempts are counted from ``emu.requests``. Backoff is kept
short with ``HttpRetryOptions(initial_delay=...)``, so only server-requested waits take real
time, and those are checked with lower bounds only.
"""

from __future__ import annotations

import email.utils
import logging
import socket
import time
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire._transport import RetryPolicy
from gemwire.emulator import Emulator
from tests.conftest import FAST_RETRIES, MakeClient

MODEL = "gemini-2.5-flash"
PROMPT = "one two three four five six seven eight nine ten"


def generate(client: genai.Client, **config: Any) -> types.GenerateContentResponse:
    return client.models.generate_content(model=MODEL, contents=PROMPT, config=config or None)


def stream(client: genai.Client, **config: Any) -> genai.Stream:
    return client.models.generate_content_stream(
        model=MODEL, contents=PROMPT, config=config or None
    )


def retry_waits(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The waits the transport announced before each retry (its INFO records)."""
    return [
        float(r.args[2])  # type: ignore[index]
        for r in caplog.records
        if r.name == "gemwire" and r.getMessage().startswith("retrying")
    ]


# Retried statuses


def test_503_503_200_succeeds_after_exactly_three_attempts(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"status": 503}, {"status": 503})
    response = generate(client)
    assert response.text == f'You said: "{PROMPT}". I saw 1 turn.'
    assert len(emu.requests) == 3


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_each_transient_status_is_retried(emu: Emulator, client: genai.Client, status: int) -> None:
    emu.push({"status": status})
    assert generate(client).text
    assert len(emu.requests) == 2


def test_retries_stop_after_max_retries_with_the_last_error(
    emu: Emulator, make_client: MakeClient
) -> None:
    emu.push({"status": 503, "times": 10})
    with make_client(max_retries=3) as client, pytest.raises(errors.ServerError) as caught:
        generate(client)
    assert caught.value.code == 503
    assert caught.value.status == "UNAVAILABLE"
    assert len(emu.requests) == 4  # the first try and 3 retries


def test_max_retries_zero_sends_once(emu: Emulator, make_client: MakeClient) -> None:
    emu.push({"status": 503})
    with make_client(max_retries=0) as client, pytest.raises(errors.ServerError):
        generate(client)
    assert len(emu.requests) == 1


def test_count_tokens_is_retried_too(emu: Emulator, client: genai.Client) -> None:
    emu.push({"status": 500, "kind": "countTokens"})
    assert client.models.count_tokens(model=MODEL, contents=PROMPT).total_tokens == 10
    assert len(emu.requests) == 2


# What the server asks for


def test_429_with_retry_after_1_waits_at_least_one_second(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"status": 429, "headers": {"Retry-After": "1"}})
    started = time.monotonic()
    assert generate(client).text
    assert time.monotonic() - started >= 1.0
    assert len(emu.requests) == 2


def test_retry_after_as_an_http_date_is_honoured(
    emu: Emulator, client: genai.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    when = email.utils.formatdate(time.time() + 2, usegmt=True)  # whole seconds: 1 to 2 s away
    emu.push({"status": 503, "headers": {"Retry-After": when}})
    started = time.monotonic()
    assert generate(client).text
    assert time.monotonic() - started >= 1.0  # the date is at least 1 s after the push
    assert retry_waits(caplog)[0] > 0.1  # the date's wait, not our 10 ms backoff


def test_retry_info_retry_delay_is_honoured(
    emu: Emulator, client: genai.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    emu.push({"retry_delay": "0.8s"})  # a 429 whose details carry google.rpc.RetryInfo
    started = time.monotonic()
    assert generate(client).text
    assert time.monotonic() - started >= 0.8
    assert retry_waits(caplog) == [pytest.approx(0.8)]
    assert len(emu.requests) == 2


def test_a_server_delay_is_capped_by_max_delay(
    emu: Emulator, caplog: pytest.LogCaptureFixture, make_client: MakeClient
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    emu.push({"status": 429, "headers": {"Retry-After": "3600"}})
    capped = {"retry_options": {"initial_delay": 0.01, "max_delay": 0.2}}
    with make_client(http_options=capped) as client:
        assert generate(client).text
    assert retry_waits(caplog) == [pytest.approx(0.2)]


# Never retried


def test_400_raises_client_error_after_one_attempt_with_the_servers_message(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"status": 400, "message": "* GenerateContentRequest.contents: bad turn"})
    with pytest.raises(errors.ClientError) as caught:
        generate(client)
    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message == "* GenerateContentRequest.contents: bad turn"
    assert str(caught.value) == "400 INVALID_ARGUMENT. * GenerateContentRequest.contents: bad turn"
    assert len(emu.requests) == 1


@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_not_found_errors_are_not_retried(
    emu: Emulator, client: genai.Client, status: int
) -> None:
    emu.push({"status": status, "times": 3})
    with pytest.raises(errors.ClientError) as caught:
        generate(client)
    assert caught.value.code == status
    assert len(emu.requests) == 1


def test_400_401_403_404_stay_unretried_even_when_listed(
    emu: Emulator, make_client: MakeClient
) -> None:
    listed = {"retry_options": {"initial_delay": 0.01, "http_status_codes": [400, 401, 403, 404]}}
    with make_client(http_options=listed) as client:
        for status in (400, 401, 403, 404):
            emu.reset()
            emu.push({"status": status, "times": 3})
            with pytest.raises(errors.ClientError):
                generate(client)
            assert len(emu.requests) == 1, status


def test_an_unknown_model_is_a_404_sent_once(emu: Emulator, client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model="palm-2", contents=PROMPT)
    assert caught.value.code == 404
    assert "models/palm-2 is not found" in caught.value.message
    assert len(emu.requests) == 1


# The connection


def test_a_dropped_connection_is_retried(emu: Emulator, client: genai.Client) -> None:
    emu.push({"drop": True})
    assert generate(client).text
    assert len(emu.requests) == 2


def test_connections_dropped_every_time_raise_a_connection_error_with_the_cause(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"drop": True, "times": 3})
    with pytest.raises(errors.APIConnectionError) as caught:
        generate(client)
    assert type(caught.value) is errors.APIConnectionError
    assert caught.value.__cause__ is not None  # urllib3's error, chained
    assert not isinstance(caught.value.__cause__, errors.GemwireError)
    assert "generateContent" in str(caught.value)
    assert len(emu.requests) == 3


def test_a_refused_connection_is_a_retried_connection_error_not_a_timeout(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = genai.Client(
        api_key="test-key",
        base_url=f"http://127.0.0.1:{port}",
        http_options={"retry_options": FAST_RETRIES},
    )
    with pytest.raises(errors.APIConnectionError) as caught:
        generate(client)
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert "could not connect" in str(caught.value)
    assert "Connection refused" in str(caught.value)
    assert caught.value.__cause__ is not None
    assert len(retry_waits(caplog)) == 2


def test_a_read_timeout_raises_api_timeout_error_within_the_bound(
    emu: Emulator, make_client: MakeClient
) -> None:
    emu.push({"delay": 10})
    with make_client(timeout=0.3) as client, pytest.raises(errors.APITimeoutError) as caught:
        generate(client)
    assert "0.3 s" in str(caught.value)
    assert caught.value.__cause__ is not None
    assert not isinstance(caught.value.__cause__, errors.GemwireError)
    assert len(emu.requests) == 1


def test_a_per_call_timeout_in_milliseconds_overrides_the_clients(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"delay": 10})
    with pytest.raises(errors.APITimeoutError) as caught:
        generate(client, http_options={"timeout": 250})
    assert "0.25 s" in str(caught.value)


def test_a_client_timeout_in_http_options_is_in_milliseconds(
    emu: Emulator, make_client: MakeClient
) -> None:
    emu.push({"delay": 10})
    with make_client(http_options={"timeout": 250}) as client:
        assert client._transport.timeout == 0.25
        with pytest.raises(errors.APITimeoutError):
            generate(client)


def test_a_stream_stalling_before_its_first_chunk_times_out(
    emu: Emulator, make_client: MakeClient
) -> None:
    emu.push({"chunk_delay": 10})
    with make_client(timeout=0.3) as client, pytest.raises(errors.APITimeoutError):
        list(stream(client))
    assert len(emu.requests) == 1  # a read timeout is not retried


def test_a_connect_timeout_is_an_api_timeout_error_and_is_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    # A listener that never accepts, with its backlog full: the kernel drops further SYNs.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        fillers = []
        for _ in range(8):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(server.getsockname())
            fillers.append(filler)
        time.sleep(0.1)
        probe = socket.socket()
        probe.settimeout(0.2)
        try:
            probe.connect(server.getsockname())
            pytest.skip("this kernel completes connections to a full backlog")
        except OSError:
            pass
        finally:
            probe.close()
        client = genai.Client(
            api_key="test-key",
            base_url=f"http://127.0.0.1:{server.getsockname()[1]}",
            timeout=0.2,
            http_options={"retry_options": FAST_RETRIES},
        )
        try:
            with pytest.raises(errors.APITimeoutError) as caught:
                generate(client)
        finally:
            for filler in fillers:
                filler.close()
    assert "connecting timed out" in str(caught.value)
    assert len(retry_waits(caplog)) == 2  # the request never left: safe to retry


def test_a_non_json_success_is_an_invalid_response_sent_once(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"html": True, "status": 200})
    with pytest.raises(errors.InvalidResponseError) as caught:
        generate(client)
    assert "not JSON" in str(caught.value)
    assert isinstance(caught.value.__cause__, ValueError)
    assert len(emu.requests) == 1


def test_a_success_that_does_not_fit_the_types_is_an_invalid_response_naming_the_field(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"body": {"candidates": [{"content": {"parts": [{"text": 7}]}}]}})
    with pytest.raises(errors.InvalidResponseError) as caught:
        generate(client)
    assert "candidates[0].content.parts[0].text: expected a string, got integer" in str(
        caught.value
    )
    assert isinstance(caught.value.__cause__, errors.DecodeError)


# Proxies


def test_a_proxy_html_502_page_is_a_readable_server_error(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"html": True, "times": 3})
    with pytest.raises(errors.ServerError) as caught:
        generate(client)
    assert caught.value.code == 502
    assert caught.value.message == "Error 502 (Server Error)!!1"
    assert str(caught.value) == "502. Error 502 (Server Error)!!1"
    assert "<" not in str(caught.value)
    assert caught.value.response_json is None
    assert len(emu.requests) == 3  # 502 is retried


def test_a_proxy_html_page_before_a_stream_is_retried(emu: Emulator, client: genai.Client) -> None:
    emu.push({"html": True, "status": 504})
    assert "".join(chunk.text or "" for chunk in stream(client)).startswith("You said")
    assert len(emu.requests) == 2


# Streams


def test_an_error_event_mid_stream_raises_after_the_chunks_before_it(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"stream_error_after": 2, "status": 503})
    received: list[str] = []
    with pytest.raises(errors.ServerError) as caught:
        for chunk in stream(client):
            received.append(chunk.text or "")
    assert received == ['You said: "one two ', "three four five six "]
    assert caught.value.code == 503
    assert len(emu.requests) == 1  # chunks were handed over: not retried


def test_a_truncated_stream_raises_incomplete_stream_error(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"truncate_after": 2})
    received: list[str] = []
    with pytest.raises(errors.IncompleteStreamError) as caught:
        for chunk in stream(client):
            received.append(chunk.text or "")
    assert len(received) == 2
    assert caught.value.__cause__ is not None
    assert len(emu.requests) == 1


def test_a_stream_without_a_finish_reason_raises_incomplete_stream_error(
    emu: Emulator, client: genai.Client
) -> None:
    partial = {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hal"}]}}]}
    emu.push({"body": [partial, partial], "kind": "streamGenerateContent"})
    received: list[str] = []
    with pytest.raises(errors.IncompleteStreamError):
        for chunk in stream(client):
            received.append(chunk.text or "")
    assert received == ["Hal", "Hal"]
    assert len(emu.requests) == 1


@pytest.mark.parametrize(
    "fault",
    [
        {"stream_error_after": 0},  # an error event in place of the first chunk
        {"stream_error_after": 0, "status": 429},
        {"truncate_after": 0},  # cut off in the middle of the first chunk
        {"status": 503, "kind": "streamGenerateContent"},  # an error status
        {"drop": True, "kind": "streamGenerateContent"},
    ],
)
def test_a_stream_failing_before_its_first_chunk_is_retried(
    emu: Emulator, client: genai.Client, fault: dict[str, Any]
) -> None:
    emu.push(fault)
    chunks = list(stream(client))
    assert "".join(c.text or "" for c in chunks) == f'You said: "{PROMPT}". I saw 1 turn.'
    assert chunks[-1].candidates[0].finish_reason == types.FinishReason.STOP  # type: ignore[index]
    assert len(emu.requests) == 2


def test_a_stream_failing_before_its_first_chunk_every_time_gives_up(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"stream_error_after": 0, "times": 5})
    with pytest.raises(errors.ServerError):
        list(stream(client))
    assert len(emu.requests) == 3


def test_a_client_error_event_before_the_first_chunk_is_not_retried(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({"stream_error_after": 0, "status": 400, "message": "bad stream"})
    with pytest.raises(errors.ClientError, match="bad stream"):
        list(stream(client))
    assert len(emu.requests) == 1


@pytest.mark.parametrize("fault", [{"stream_error_after": 1}, {"truncate_after": 1}])
def test_a_stream_failing_after_its_first_chunk_is_not_retried(
    emu: Emulator, client: genai.Client, fault: dict[str, Any]
) -> None:
    emu.push(fault)
    received: list[str] = []
    with pytest.raises(
        errors.APIError if "stream_error_after" in fault else errors.APIConnectionError
    ):
        for chunk in stream(client):
            received.append(chunk.text or "")
    assert received == ['You said: "one two ']
    assert len(emu.requests) == 1


# Retry options: per client and per call


def test_per_call_retry_options_override_the_clients(
    emu: Emulator, make_client: MakeClient
) -> None:
    with make_client(max_retries=0) as client:
        emu.push({"status": 503}, {"status": 503})
        retry_twice = types.HttpRetryOptions(attempts=3, initial_delay=0.01)
        assert generate(client, http_options=types.HttpOptions(retry_options=retry_twice)).text
        assert len(emu.requests) == 3

        emu.reset()
        emu.push({"status": 503})
        with pytest.raises(errors.ServerError):
            generate(client)  # the client's own setting is unchanged
        assert len(emu.requests) == 1


def test_per_call_attempts_1_disables_the_clients_retries(
    emu: Emulator, make_client: MakeClient
) -> None:
    with make_client(max_retries=5) as client:
        emu.push({"status": 503, "times": 2})
        with pytest.raises(errors.ServerError):
            generate(client, http_options={"retry_options": {"attempts": 1}})
        assert len(emu.requests) == 1


def test_per_call_status_codes_choose_what_is_retried(emu: Emulator, client: genai.Client) -> None:
    only_500 = {"retry_options": {"http_status_codes": [500], "initial_delay": 0.01}}
    emu.push({"status": 503})
    with pytest.raises(errors.ServerError):
        generate(client, http_options=only_500)
    assert len(emu.requests) == 1
    emu.reset()
    emu.push({"status": 500})
    assert generate(client, http_options=only_500).text
    assert len(emu.requests) == 2


def test_per_call_retry_options_apply_to_streams_and_count_tokens(
    emu: Emulator, client: genai.Client
) -> None:
    no_retry = {"http_options": {"retry_options": {"attempts": 1}}}
    emu.push({"stream_error_after": 0})
    with pytest.raises(errors.ServerError):
        list(client.models.generate_content_stream(model=MODEL, contents=PROMPT, config=no_retry))
    emu.push({"status": 503, "kind": "countTokens"})
    with pytest.raises(errors.ServerError):
        client.models.count_tokens(model=MODEL, contents=PROMPT, config=no_retry)
    assert len(emu.requests) == 2


def test_client_http_options_retry_options_set_the_attempts(emu: Emulator) -> None:
    options = types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=4, initial_delay=0))
    emu.push({"status": 503, "times": 3})
    with genai.Client(api_key="k", base_url=emu.base_url, http_options=options) as client:
        assert generate(client).text
    assert len(emu.requests) == 4


def test_max_retries_wins_over_retry_options_attempts(
    emu: Emulator, make_client: MakeClient
) -> None:
    options = {"retry_options": {"attempts": 4, "initial_delay": 0}}
    emu.push({"status": 503, "times": 3})
    with (
        make_client(http_options=options, max_retries=1) as client,
        pytest.raises(errors.ServerError),
    ):
        generate(client)
    assert len(emu.requests) == 2


def test_the_default_is_two_retries(emu: Emulator, make_client: MakeClient) -> None:
    assert RetryPolicy().max_retries == 2
    emu.push({"status": 503, "times": 5})
    options = {"retry_options": {"initial_delay": 0.01}}  # attempts left at the default
    with make_client(http_options=options) as client, pytest.raises(errors.ServerError):
        generate(client)
    assert len(emu.requests) == 3


def test_backoff_without_jitter_grows_by_exp_base(
    emu: Emulator, caplog: pytest.LogCaptureFixture, make_client: MakeClient
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    options = {"retry_options": {"attempts": 4, "initial_delay": 0.05, "exp_base": 3, "jitter": 0}}
    emu.push({"status": 503, "times": 3})
    started = time.monotonic()
    with make_client(http_options=options) as client:
        assert generate(client).text
    assert time.monotonic() - started >= 0.05 + 0.15 + 0.45
    assert retry_waits(caplog) == [pytest.approx(0.05), pytest.approx(0.15), pytest.approx(0.45)]


def test_backoff_is_capped_by_max_delay(
    emu: Emulator, caplog: pytest.LogCaptureFixture, make_client: MakeClient
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    options = {
        "retry_options": {"attempts": 3, "initial_delay": 0.1, "max_delay": 0.1, "jitter": 0}
    }
    emu.push({"status": 503, "times": 2})
    with make_client(http_options=options) as client:
        assert generate(client).text
    assert retry_waits(caplog) == [pytest.approx(0.1), pytest.approx(0.1)]


def test_full_jitter_draws_between_zero_and_the_exponential_cap() -> None:
    policy = RetryPolicy(initial_backoff=1.0, max_backoff=8.0)
    for retry, cap in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (10, 8.0), (5000, 8.0)]:
        waits = [policy.delay(retry, None) for _ in range(300)]
        assert all(0.0 <= wait <= cap for wait in waits)
        assert min(waits) < cap * 0.2 and max(waits) > cap * 0.8  # spread over the whole range
    assert policy.delay(0, 2.5) == 2.5  # the server's hint is not jittered
    assert policy.delay(0, 1e9) == policy.max_delay


@pytest.mark.parametrize(
    "options",
    [{"attempts": 0}, {"attempts": -1}, {"initial_delay": -1}, {"max_delay": -0.5}],
)
def test_nonsensical_retry_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="retry_options"):
        genai.Client(api_key="k", http_options={"retry_options": options})


def test_an_unknown_retry_option_is_refused() -> None:
    with pytest.raises(TypeError, match="attempt"):
        genai.Client(api_key="k", http_options={"retry_options": {"attempt": 3}})


def test_api_errors_are_built_as_google_genai_builds_them() -> None:
    body = {"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}
    error = errors.ClientError(429, body)
    assert (error.code, error.status, error.message) == (429, "RESOURCE_EXHAUSTED", "slow down")
    assert error.response is None and error.details == []
    assert str(error) == "429 RESOURCE_EXHAUSTED. slow down"

    class Response:  # any HTTP library's response
        def __init__(self, status_code: int) -> None:
            self.status_code = status_code
            self.headers = {"retry-after": "2"}
            self.text = '{"error": {"code": 503, "message": "busy", "status": "UNAVAILABLE"}}'

    with pytest.raises(errors.ServerError, match="busy") as caught:
        errors.APIError.raise_for_response(Response(503))
    assert caught.value.headers["retry-after"] == "2"
    errors.APIError.raise_for_response(Response(200))  # a success raises nothing
