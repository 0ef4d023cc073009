# Where an agent's tools keep their files (the shape of SuperAGI's ResourceHelper): the output
# root from configuration, a file name from the caller added by string concatenation.
import os

from app.config import get_config


class ResourceHelper:
    @classmethod
    def get_root_output_dir(cls):
        root_dir = get_config("RESOURCES_OUTPUT_ROOT_DIR") or os.getcwd()
        return root_dir if root_dir.endswith("/") else root_dir + "/"

    @classmethod
    def get_agent_write_resource_path(cls, file_name: str, agent_name: str):
        root_dir = cls.get_root_output_dir() + agent_name + "/"
        os.makedirs(root_dir, exist_ok=True)
        final_path = root_dir + file_name  # expect: path-traversal
        return final_path

    @classmethod
    def get_agent_read_resource_path(cls, file_name: str):
        return cls.get_root_output_dir() + file_name  # expect: path-traversal

    @classmethod
    def get_report_path(cls, report_id: str):
        # Only ever called with a name the tool made itself.
        return cls.get_root_output_dir() + report_id

    @classmethod
    def get_checked_path(cls, file_name: str):
        root = os.path.realpath(cls.get_root_output_dir())
        full = os.path.realpath(root + "/" + file_name)
        if not full.startswith(root + os.sep):
            raise ValueError("outside the output directory")
        return full

    @classmethod
    def api_endpoint(cls, base_url: str, path: str):
        return base_url + path
