"""A notebook's functions are pickled by value, with the globals they read (issue #13, point 3).

IPython runs a notebook's cells in the namespace of a module named ``__main__``, so a function
defined in a cell has ``__module__ == "__main__"``, which cloudpickle (Dask's serializer of
task functions) cannot import on a worker and therefore ships by value, together with every
global it reads. This script plays the kernel's part (each cell compiled and executed in
``__main__``'s namespace, as ``InteractiveShell.run_cell`` does) and answers:

- DSK202: a cell's function that reads a global ``threading.Lock``, submitted to a cluster of
  worker processes: does the task fail to serialize?
- DSK203: a cell's function that reads a global pandas DataFrame: how many bytes does its
  pickled form take (the frame travels with every task)?

Run: python benchmarks/verification/notebook_functions_by_value.py
"""
import __main__

CELLS = [
    "import threading\nimport numpy as np\nimport pandas as pd\n"
    "lock = threading.Lock()\nlookup = pd.DataFrame({'x': np.arange(2_000_000)})",
    "def guarded(x):\n    with lock:\n        return x + 1",
    "def enrich(i):\n    return int(lookup.x.iloc[i])",
]


def run_cells() -> None:
    for n, cell in enumerate(CELLS, 1):
        exec(compile(cell, f"<cell {n}>", "exec"), __main__.__dict__)


if __name__ == "__main__":
    import cloudpickle
    from distributed import Client, LocalCluster

    run_cells()
    guarded, enrich = __main__.guarded, __main__.enrich
    print("guarded.__module__:", guarded.__module__)
    size = len(cloudpickle.dumps(enrich))
    print(f"DSK203: pickled enrich() is {size / 1e6:.1f} MB (the 16 MB frame travels with it)")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        try:
            print("DSK202: guarded ->", client.submit(guarded, 1).result(timeout=30))
        except Exception as exc:  # noqa: BLE001 - the failure is the finding
            print("DSK202: guarded ->", type(exc).__name__, str(exc).splitlines()[0][:120])
