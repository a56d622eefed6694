import subprocess


def run_git(repo: str, args: list[str]) -> str:
    out = subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, check=True)
    return out.stdout


def cleanup(path):
    import shutil
    shutil.rmtree(path)  # mcpriv-ignore: file.delete -- test fixture cleanup only
