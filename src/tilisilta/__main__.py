from tilisilta.cli.main import app

app()
