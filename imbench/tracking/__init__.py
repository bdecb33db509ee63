"""The MLflow mirror of a run: runs per cell group and suite (``runs``), their inputs and artifacts
(``artifacts``), and the logged, loadable model of a compare (``logged_model``). mlflow is imported lazily."""
