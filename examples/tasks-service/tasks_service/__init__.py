"""tasks-service: tenantctl's sample product. A FastAPI API takes tasks, a Celery worker
consumes them from RabbitMQ and writes results to PostgreSQL; Redis caches finished results.
Every address and credential comes from the environment tenantctl gives each component
(PG*, REDIS_*, RABBITMQ_*), the same in the cluster and on one machine."""
