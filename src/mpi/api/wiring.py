"""Build the API's services from settings (via the composition root) and the app uvicorn runs."""

from __future__ import annotations

from starlette.applications import Starlette

from mpi.api.app import create_app
from mpi.api.context import ApiServices
from mpi.bootstrap import Services, build
from mpi.config import Settings
from mpi.services.api_keys import ApiKeys
from mpi.services.queries import IdentityReads


def api_services(services: Services) -> ApiServices:
    """The API's view of the composition root's services; closing it closes them."""
    keys = ApiKeys.open(services.settings.store_url, store_checked=True)

    def close() -> None:
        try:
            keys.close()
        finally:
            services.close()

    reads = IdentityReads(services.store, services.settings.trusted_institutions)
    return ApiServices(keys=keys, reads=reads, linking=services.linking, close=close)


def app_from_env() -> Starlette:
    """The app for `uvicorn --factory` (one per worker process), configured from MPI_*."""
    return create_app(api_services(build(Settings.from_env())))
