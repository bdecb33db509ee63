# names vulture cannot see used (framework hooks)
