"""The GraphQL API (strawberry on starlette, served by uvicorn): `create_app` builds it."""
