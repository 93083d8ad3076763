# Reference test RMSEs from R's `pls` package (Mevik & Wehrens), the package
# the gasoline data comes from. Run:  Rscript tests/golden/gasoline_pls_r.R
# (Debian: r-base-core r-cran-pls). Writes tests/golden/gasoline_pls_r.json.
# Samples 1-50 train, 51-60 test; plsr() with its default kernel PLS
# algorithm, centered, not scaled (as n4a's PLSRegression default).
suppressPackageStartupMessages(library(pls))
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)])))
root <- dirname(dirname(here))
data <- read.csv(file.path(root, "data", "gasoline.csv"), check.names = FALSE)
X <- as.matrix(data[, -1])
y <- data$octane
train <- 1:50
test <- 51:60
fit <- plsr(y[train] ~ X[train, ], ncomp = 10, scale = FALSE, method = "kernelpls")
rmse <- sapply(1:10, function(k) {
  pred <- X[test, ] %*% coef(fit, ncomp = k)[, 1, 1] + (mean(y[train]) -
    sum(colMeans(X[train, ]) * coef(fit, ncomp = k)[, 1, 1]))
  sqrt(mean((y[test] - pred)^2))
})
out <- sprintf(paste0('{"generator": "tests/golden/gasoline_pls_r.R", "r_version": "%s", ',
                      '"pls_version": "%s", "method": "kernelpls", "n_components": [%s], ',
                      '"test_rmse": [%s]}\n'),
               paste(R.version$major, R.version$minor, sep = "."),
               as.character(packageVersion("pls")), paste(1:10, collapse = ", "),
               paste(sprintf("%.17g", rmse), collapse = ", "))
cat(out, file = file.path(here, "gasoline_pls_r.json"))
cat(out)
