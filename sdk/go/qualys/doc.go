// Qualys Patch Management deployment jobs, from any Pulumi language.
package qualys
