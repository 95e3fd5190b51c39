@echo off
node "%~dp0\pulumi-resource-qualys" %*
