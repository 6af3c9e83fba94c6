"""Learning from feedback: dataset, models, evaluation, MLflow tracking and the champion."""
