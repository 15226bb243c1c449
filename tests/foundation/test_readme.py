from config.env import BASE_DIR, ENV_VARS


def test_readme_documents_every_environment_variable():
    readme = (BASE_DIR / "README.md").read_text()
    configuration = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in ENV_VARS if f"`{name}`" not in configuration]
    assert missing == []


def test_readme_opens_with_the_two_commands():
    readme = (BASE_DIR / "README.md").read_text()
    start = readme.split("## Start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in start and "make test" in start
