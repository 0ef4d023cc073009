# wcgw's computer-use tool: the container id and the keys the model sends are formatted into
# lines for another module's shell runner; the screenshot line is the developer's own.
from .sys_utils import command_run

OUTPUT_DIR = "/tmp/outputs"


class Computer:
    def __init__(self, docker_image_id):
        self.docker_image_id = docker_image_id

    def key(self, text):
        return command_run(f"docker exec {self.docker_image_id} sh -c 'xdotool key -- {text}'")

    def screenshot(self):
        return command_run(f"mkdir -p {OUTPUT_DIR}")
