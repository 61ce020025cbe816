import COpenBLAS
public enum RecurrentModule {}
