import CordonGate
