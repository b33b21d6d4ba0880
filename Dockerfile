# ksqlmv's own services (simulators, migrations job, dashboard) for docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .

COPY schemas ./schemas
COPY ksql ./ksql
COPY producers ./producers
COPY dashboard ./dashboard

RUN useradd --create-home --uid 10001 ksqlmv
USER ksqlmv

CMD ["ksqlmv", "--help"]
