"""The response cache: keyed on what can change the answer, bounded in bytes."""

from hypothesis import given
from hypothesis import strategies as st

from g287.interfaces.web import http
from g287.interfaces.web.http import ENTRY_OVERHEAD, ResponseCache, cache_query
from tests.api_support import ApiClient


def entry(size: int) -> http.Entry:
    return (200, [(b"content-type", b"application/json")], b"x" * size)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3000)), max_size=200))
def test_the_cache_never_holds_more_than_its_budget(puts):
    cache = ResponseCache(budget=20_000, max_body=2_500)
    for key, size in puts:
        cache.put((str(key),), entry(size))
        assert cache.bytes <= cache.budget
    held = [cache.get((str(k),)) for k in range(41)]
    assert cache.bytes == sum(ResponseCache._size(e) for e in held if e is not None)
    assert all(len(e[2]) <= 2_500 for e in held if e is not None)


def test_least_recently_used_goes_first():
    size = ResponseCache._size(entry(1000))
    cache = ResponseCache(budget=3 * size)
    for key in "abc":
        cache.put((key,), entry(1000))
    assert cache.get(("a",)) is not None  # a is now the most recent
    cache.put(("d",), entry(1000))
    assert cache.get(("b",)) is None and cache.get(("a",)) is not None
    assert len(cache) == 3 and cache.bytes == 3 * size
    cache.put(("big",), entry(10 * size))  # over the budget: not kept, nothing evicted
    assert cache.get(("big",)) is None and len(cache) == 3
    assert size > 1000 + ENTRY_OVERHEAD - 1


def test_cache_query_keeps_declared_parameters_in_one_order():
    declared = frozenset({"state", "limit"})
    assert cache_query("limit=5&state=TX&_=123", declared) == "limit=5&state=TX"
    assert cache_query("state=TX&limit=5", declared) == "limit=5&state=TX"
    assert cache_query("lang=es&x=1", declared) == "lang=es"
    assert cache_query("b=2&a=1", None) == "a=1&b=2"  # routes without a signature keep all


def test_unknown_parameters_do_not_make_new_entries(served):
    client, layer = served
    first = client.get("/api/agreements?limit=1000")
    assert first.status_code == 200 and len(first.content) > 100_000
    for n in range(30):
        again = client.get(f"/api/agreements?limit=1000&_={n}")
        assert again.content == first.content
    assert len(layer.cache) == 1, list(layer.cache._entries)
    assert client.get("/api/agreements?state=TX&limit=5").status_code == 200
    assert client.get("/api/agreements?limit=5&state=TX").status_code == 200
    assert len(layer.cache) == 2


def test_a_flood_of_distinct_queries_stays_within_the_budget(served):
    client, layer = served
    for offset in range(0, 400, 2):
        r = client.get(f"/api/agreements?limit=200&offset={offset}")
        assert r.status_code == 200
        assert layer.cache.bytes <= layer.cache.budget == 2 * 1024 * 1024
    assert 0 < len(layer.cache) < 200  # older entries were evicted, newer kept


def test_health_and_readiness_are_never_cached(served):
    client, layer = served
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready", "derived": True}
    assert not any(key[0] in ("/healthz", "/readyz") for key in layer.cache._entries)


def test_readiness_is_a_json_503_when_the_database_is_unreachable(tmp_path):
    from g287.config import Settings
    from g287.interfaces.web.app import create_app
    from g287.interfaces.web.settings import WebSettings
    from tests.api_support import TOKEN

    settings = Settings.from_env(
        {}, data_dir=tmp_path, database_url="postgresql://nobody@127.0.0.1:9/none"
    )
    app = create_app(settings, WebSettings(admin_token=TOKEN), migrate=False)
    client = ApiClient(app)
    try:
        r = client.get("/readyz")
        assert r.status_code == 503
        assert r.json()["error"]["code"] == "store" and "\n" not in r.json()["error"]["message"]
        assert client.get("/healthz").status_code == 200
        api = client.get("/api/status")  # every answer is the one JSON error, not a 500
        assert api.status_code == 503 and api.json()["error"]["code"] == "store"
        assert client.get("/").status_code == 503
    finally:
        client.close()


def test_no_route_that_touches_the_database_runs_on_the_event_loop(served):
    """A slow query in an ``async def`` route would stall every connection of the worker:
    database work runs in sync routes (FastAPI's thread pool)."""
    import inspect

    from fastapi.routing import APIRoute

    from g287.interfaces.web.deps import get_conn, get_db

    _client, layer = served

    def calls(dependant):
        for dep in dependant.dependencies:
            yield dep.call
            yield from calls(dep)

    routes = []
    todo = list(layer.app.router.routes)
    seen = 0
    for route in todo:
        if isinstance(route, APIRoute):
            seen += 1
            if inspect.iscoroutinefunction(route.endpoint) and (
                {get_conn, get_db} & set(calls(route.dependant))
            ):
                routes.append(route.path)
        for attr in ("original_router", "router"):
            inner = getattr(route, attr, None)
            if inner is not None and hasattr(inner, "routes"):
                todo.extend(inner.routes)
    assert seen > 20 and routes == []


def test_the_data_version_is_read_off_the_event_loop():
    """The middleware re-reads the data version once a second; a database slow to answer
    (busy with an import on a loaded host) must not stall the worker's event loop. The read
    here waits for a flag that only the event loop can set: read on the loop, it would
    wait in vain; read in a thread, the loop sets it and the read sees it."""
    import threading

    import anyio

    from g287.interfaces.web.http import DataVersion

    loop_ran = threading.Event()
    reads: list[bool] = []

    def read():
        reads.append(loop_ran.wait(timeout=2))
        return "v1", None

    version = DataVersion(read)

    async def main():
        async with anyio.create_task_group() as tg:
            results = []

            async def ask():
                results.append(await version.aget())

            for _ in range(3):  # callers arriving together share one read
                tg.start_soon(ask)
            await anyio.sleep(0.05)
            loop_ran.set()
        return results

    assert anyio.run(main) == [("v1", None)] * 3
    assert reads == [True]
    version.invalidate()
    assert version.get() == ("v1", None) and len(reads) == 2  # sync callers read in place
